package zhuqi

import "fmt"

// Kind is a kind of input file: ticket exports and the four tables behind growth and rankings.
type Kind string

// The kinds of input Zhuqi ingests (DOMAIN §1.1 and §1.4).
const (
	KindTickets    Kind = "tickets"
	KindTargets    Kind = "targets"
	KindActuals    Kind = "actuals"
	KindBenchmarks Kind = "benchmarks"
	KindDeductions Kind = "deductions"
	KindExclusions Kind = "exclusions"
)

// Kinds lists every kind in a stable order.
var Kinds = []Kind{KindTickets, KindTargets, KindActuals, KindBenchmarks, KindDeductions, KindExclusions}

// ParseKind checks a kind given on the command line.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown kind %q: use one of tickets, targets, actuals, benchmarks, deductions, exclusions", s)
}

// ColumnType is how a cell's text is parsed.
type ColumnType string

// Column types.
const (
	TypeText      ColumnType = "text"
	TypeTimestamp ColumnType = "timestamp"
	TypeEnum      ColumnType = "enum"
	TypeBool      ColumnType = "bool"
	TypeDecimal   ColumnType = "decimal"
	TypeInteger   ColumnType = "integer"
	TypeMonth     ColumnType = "month"
)

// Column is one canonical column of a kind. Its aliases come from Config, not from here:
// the schema (name, type, whether required) is code, the vocabulary is configuration.
type Column struct {
	Name     string
	Zh       string // the name shown to people, the first Chinese alias by default
	Type     ColumnType
	Required bool
	Enum     string // the enumeration in Config.Enums for TypeEnum and TypeBool
	// Open enumerations keep a label they do not know as written, with a warning
	// (the category taxonomy, metric keys); closed ones reject the row.
	Open bool
}

// Label names a column for people, in Chinese and English: 「企业名称」(enterprise).
func (c Column) Label() string { return fmt.Sprintf("「%s」(%s)", c.Zh, c.Name) }

// Columns returns the canonical columns of a kind in their canonical order.
func Columns(k Kind) []Column { return kindColumns[k] }

// Key returns the columns that identify a row of a kind; a key repeated inside one file
// is rejected after its first occurrence.
func Key(k Kind) []string { return kindKeys[k] }

var kindKeys = map[Kind][]string{
	KindTickets:    {"ticket_id"},
	KindTargets:    {"entity_type", "entity", "metric", "year"},
	KindActuals:    {"entity_type", "entity", "metric", "month"},
	KindBenchmarks: {"metric", "scope", "month"},
	KindDeductions: {"department", "month", "reason"},
	KindExclusions: {"ticket_id", "scope"},
}

var kindColumns = map[Kind][]Column{
	KindTickets: {
		{Name: "ticket_id", Zh: "诉求编号", Type: TypeText, Required: true},
		{Name: "enterprise", Zh: "企业名称", Type: TypeText, Required: true},
		{Name: "credit_code", Zh: "统一社会信用代码", Type: TypeText},
		{Name: "region", Zh: "县市区", Type: TypeText, Required: true},
		{Name: "street", Zh: "镇街", Type: TypeText},
		{Name: "industry", Zh: "所属行业", Type: TypeText},
		{Name: "category", Zh: "诉求类别", Type: TypeEnum, Required: true, Enum: "category", Open: true},
		{Name: "source", Zh: "诉求来源", Type: TypeText},
		{Name: "level", Zh: "问题层级", Type: TypeEnum, Enum: "level"},
		{Name: "department", Zh: "承办单位", Type: TypeText},
		{Name: "cadre", Zh: "服务专员", Type: TypeText},
		{Name: "content", Zh: "诉求内容", Type: TypeText},
		{Name: "created_at", Zh: "提报时间", Type: TypeTimestamp, Required: true},
		{Name: "assigned_at", Zh: "交办时间", Type: TypeTimestamp},
		{Name: "deadline", Zh: "办理时限", Type: TypeTimestamp},
		{Name: "responded_at", Zh: "答复时间", Type: TypeTimestamp},
		{Name: "resolved_at", Zh: "办结时间", Type: TypeTimestamp},
		{Name: "status", Zh: "办理状态", Type: TypeEnum, Required: true, Enum: "status"},
		{Name: "outcome", Zh: "办理结果", Type: TypeEnum, Enum: "outcome"},
		{Name: "satisfaction", Zh: "企业评价", Type: TypeEnum, Enum: "satisfaction"},
		{Name: "on_site", Zh: "是否当场办结", Type: TypeBool, Enum: "on_site"},
		{Name: "amount", Zh: "涉及金额(万元)", Type: TypeDecimal},
	},
	KindTargets: {
		{Name: "entity_type", Zh: "主体类型", Type: TypeEnum, Required: true, Enum: "entity_type"},
		{Name: "entity", Zh: "主体名称", Type: TypeText, Required: true},
		{Name: "metric", Zh: "指标", Type: TypeEnum, Required: true, Enum: "metric", Open: true},
		{Name: "year", Zh: "年度", Type: TypeInteger, Required: true},
		{Name: "target", Zh: "目标值", Type: TypeDecimal, Required: true},
		{Name: "unit", Zh: "单位", Type: TypeText},
	},
	KindActuals: {
		{Name: "entity_type", Zh: "主体类型", Type: TypeEnum, Required: true, Enum: "entity_type"},
		{Name: "entity", Zh: "主体名称", Type: TypeText, Required: true},
		{Name: "metric", Zh: "指标", Type: TypeEnum, Required: true, Enum: "metric", Open: true},
		{Name: "month", Zh: "月份", Type: TypeMonth, Required: true},
		{Name: "value", Zh: "当月值", Type: TypeDecimal, Required: true},
	},
	KindBenchmarks: {
		{Name: "metric", Zh: "指标", Type: TypeEnum, Required: true, Enum: "metric", Open: true},
		{Name: "scope", Zh: "适用主体类型", Type: TypeEnum, Required: true, Enum: "entity_type"},
		{Name: "month", Zh: "月份", Type: TypeMonth, Required: true},
		{Name: "yoy", Zh: "累计同比增速", Type: TypeDecimal, Required: true},
	},
	KindDeductions: {
		{Name: "department", Zh: "部门", Type: TypeText, Required: true},
		{Name: "month", Zh: "月份", Type: TypeMonth, Required: true},
		{Name: "points", Zh: "扣分", Type: TypeDecimal, Required: true},
		{Name: "reason", Zh: "扣分原因", Type: TypeText},
	},
	// 审核剔除 (DOMAIN §1.4): a ticket taken out of the named parts of the rankings from
	// approved_at, with its paper trail.
	KindExclusions: {
		{Name: "ticket_id", Zh: "诉求编号", Type: TypeText, Required: true},
		{Name: "scope", Zh: "剔除范围", Type: TypeEnum, Required: true, Enum: "exclusion_scope"},
		{Name: "reason", Zh: "剔除原因", Type: TypeText, Required: true},
		{Name: "approved_by", Zh: "审核单位", Type: TypeText},
		{Name: "approved_at", Zh: "审核时间", Type: TypeTimestamp, Required: true},
		{Name: "doc_no", Zh: "文号", Type: TypeText, Required: true},
	},
}
