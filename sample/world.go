package sample

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/zhuqi/zhuqi"
)

var regions = []string{"奎文区", "潍城区", "坊子区", "寒亭区", "高新区", "青州市", "诸城市", "寿光市", "安丘市", "高密市", "昌乐县", "临朐县"}

var streetNames = []string{"东关街道", "西关街道", "北海街道", "南苑街道", "城关街道", "经济开发区", "新城街道", "开元街道"}

var departments = []string{
	"发展和改革委员会", "工业和信息化局", "自然资源和规划局", "人力资源和社会保障局", "生态环境局", "住房和城乡建设局",
	"市场监督管理局", "税务局", "供电公司", "行政审批服务局", "地方金融监督管理局", "商务局", "科学技术局", "财政局",
	"交通运输局", "水利局", "农业农村局", "应急管理局", "公安局", "消防救援支队", "城市管理局", "统计局", "审计局",
	"教育局", "卫生健康委员会", "文化和旅游局", "海关", "人民银行分行", "燃气集团", "水务集团", "投资促进局",
	"医疗保障局", "退役军人事务局", "民政局", "司法局", "外事办公室", "大数据局", "机关事务服务中心", "总工会", "工商业联合会",
}

// category: the taxonomy label, its weight, the departments that handle it, content lines.
type category struct {
	name     string
	weight   int
	depts    []int
	contents []string
}

var categories = []category{
	{"贷款融资", 22, []int{10, 27, 13}, []string{"流动资金贷款到期续贷困难", "申请技改专项贷款", "应收账款融资渠道不畅", "担保费用偏高"}},
	{"降本增效", 10, []int{1, 13, 7}, []string{"申请研发费用加计扣除辅导", "物流成本上升请求协调", "数字化改造咨询"}},
	{"引才用工", 12, []int{3, 23, 32}, []string{"季节性用工缺口约50人", "高层次人才子女入学", "技工招聘困难"}},
	{"政策落实", 12, []int{0, 1, 11}, []string{"专精特新奖补资金未到位", "稳岗返还政策咨询", "首台套保险补贴申报"}},
	{"用地", 16, []int{2, 5}, []string{"新上项目用地指标", "不动产权证办理缓慢", "厂区规划调整"}},
	{"用电用气用水", 10, []int{8, 28, 29}, []string{"新增变压器增容", "天然气供应压力不足", "工业用水管网接入"}},
	{"审批服务", 9, []int{9, 5, 4}, []string{"环评审批进度咨询", "施工许可证办理", "消防验收流程不清"}},
	{"环保", 5, []int{4}, []string{"排污许可证延续", "VOCs治理设施改造指导"}},
	{"其他", 4, []int{6, 14, 20}, []string{"厂区周边道路破损", "商标侵权投诉", "出口通关协调"}},
}

var categoryTotal = func() int {
	n := 0
	for _, c := range categories {
		n += c.weight
	}
	return n
}()

var industries = []string{"装备制造", "食品加工", "纺织服装", "化工", "电子信息", "汽车零部件", "医药", "新材料", "农业", "物流"}

var sources = []string{"走访收集", "企业提报", "热线转办", "座谈会"}

var surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎")
var givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏飞宁博晨阳思源志国庆海")

var nameWords = []string{"华星", "裕丰", "晨光", "金诺", "东方", "新锐", "鸿运", "博远", "天工", "润泽", "恒信", "盛达", "万通", "海川", "瑞康", "德润", "永兴", "宏源", "中兴", "昌盛", "嘉禾", "福瑞", "泰和", "金鼎"}
var nameTrades = []string{"机械", "食品", "纺织", "化工", "电子", "汽车部件", "医药", "新材料", "农业科技", "物流", "包装", "铸造", "环保科技", "建材"}

// world is the city: its enterprises and cadres, derived from the seed.
type world struct {
	enterprises []enterprise
	cadres      []string
	streets     [][]string
}

type enterprise struct {
	name, code, industry string
	region               int
}

func newWorld(seed int64, nEnterprises int) *world {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	w := &world{}
	for i := range regions {
		n := 3 + r.IntN(6)
		var ss []string
		for j := 0; j < n; j++ {
			ss = append(ss, regions[i][:len(regions[i])-3]+streetNames[(i+j)%len(streetNames)])
		}
		w.streets = append(w.streets, ss)
	}
	seen := map[string]bool{}
	for len(w.cadres) < 600 {
		n := string(surnames[r.IntN(len(surnames))]) + string(givenChars[r.IntN(len(givenChars))])
		if r.IntN(2) == 0 {
			n += string(givenChars[r.IntN(len(givenChars))])
		}
		if !seen[n] {
			seen[n] = true
			w.cadres = append(w.cadres, n)
		}
	}
	for i := 0; i < nEnterprises; i++ {
		name := fmt.Sprintf("潍坊%s%s有限公司", nameWords[r.IntN(len(nameWords))], nameTrades[r.IntN(len(nameTrades))])
		if seen[name] {
			name = strings.TrimSuffix(name, "有限公司") + fmt.Sprintf("%d号有限公司", i)
		}
		seen[name] = true
		w.enterprises = append(w.enterprises, enterprise{
			name: name, code: CreditCode(fmt.Sprintf("91370700MA%07X", r.Uint32()&0xFFFFFFF)[:17]),
			industry: industries[r.IntN(len(industries))], region: r.IntN(len(regions)),
		})
	}
	return w
}

// creditChars are the characters of credit codes, in the order of their values.
var creditChars = zhuqi.DefaultCells().CreditAlphabet

// CreditCode completes a 17-character prefix of credit code characters with its
// GB 32100-2015 check character (zhuqi.CellRules).
func CreditCode(prefix string) string {
	return prefix[:17] + string(zhuqi.DefaultCells().CreditCheck(prefix[:17]))
}
