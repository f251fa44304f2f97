package zhuqi

import (
	"fmt"
	"strings"
)

// CellRules are the rules a cell of an input file is read by (DOMAIN §1.3), each written
// once, here. pipeline generates its SQL normalisation from them (pipeline/sql/macros.sql
// and normalizeSQL) and its fast path (pipeline/fastpath) reads them; a test changes one
// entry and sees both follow (pipeline's TestCellRules_BothPaths). What is configuration
// (column aliases, enumeration labels, timestamp forms, the timezone) lives in Config;
// these are the rules an office does not choose.
type CellRules struct {
	// Space lists the characters trimmed from both ends of every cell; a cell of nothing
	// else is empty.
	Space string `toml:"space"`
	// Thousands lists the separators a number may carry between its digits ("1,234.5").
	Thousands string `toml:"thousands"`
	// Numbers are read as DECIMAL(Precision, Scale); fractions written with Percent
	// ("6.2%" = 0.062) and fraction columns with FractionScale decimals.
	Precision     int    `toml:"precision"`
	Scale         int    `toml:"scale"`
	FractionScale int    `toml:"fraction_scale"`
	Percent       string `toml:"percent"`
	// YearSuffix may follow a whole number ("2026年").
	YearSuffix string `toml:"year_suffix"`
	// ExcelEpoch is day 0 of a spreadsheet's serial dates; ExcelSerial is the pattern
	// (a regular expression) of text read as one: five digits, a fraction for the time.
	ExcelEpoch  string `toml:"excel_epoch"`
	ExcelSerial string `toml:"excel_serial"`
	// A unified social credit code (GB 32100-2015) is len(CreditWeights)+1 characters of
	// CreditAlphabet, which lists them in the order of their values; the last is the check
	// character: (m − Σ value(Ci) × Wi mod m) mod m, with m = len(CreditAlphabet). A code
	// that fails is kept out (NULL) with a warning.
	CreditAlphabet string `toml:"credit_alphabet"`
	CreditWeights  []int  `toml:"credit_weights"`
	// FirstYear and LastYear span the working-time calendar timing is computed on; tickets
	// created outside widen it.
	FirstYear int `toml:"first_year"`
	LastYear  int `toml:"last_year"`
	// NotBefore lists the ticket timestamps that may not lie before another: such a cell
	// loads empty with a warning.
	NotBefore []Order `toml:"not_before"`
}

// Order says that timestamp column Col may not lie before column Of.
type Order struct {
	Col string `toml:"col"`
	Of  string `toml:"of"`
	// Code is the warning's code, En its English words.
	Code string `toml:"code"`
	En   string `toml:"en"`
}

// DefaultCells returns the rules of DOMAIN §1.3.
func DefaultCells() CellRules {
	return CellRules{
		Space:          " \t\n\r\u3000\u00a0",
		Thousands:      ",，",
		Precision:      18,
		Scale:          4,
		FractionScale:  6,
		Percent:        "%",
		YearSuffix:     "年",
		ExcelEpoch:     "1899-12-30",
		ExcelSerial:    `[1-9][0-9]{4}(\.[0-9]+)?`,
		CreditAlphabet: "0123456789ABCDEFGHJKLMNPQRTUWXY",
		CreditWeights:  []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28},
		FirstYear:      2000,
		LastYear:       2039,
		NotBefore:      []Order{{Col: "resolved_at", Of: "created_at", Code: "resolved_before_created", En: "resolved before created"}},
	}
}

// CreditLen is the length of a credit code.
func (r CellRules) CreditLen() int { return len(r.CreditWeights) + 1 }

// CreditValue is the value of credit code character c, or -1 for a character codes do not use.
func (r CellRules) CreditValue(c byte) int {
	if c >= 0x80 {
		return -1
	}
	return strings.IndexByte(r.CreditAlphabet, c)
}

// CreditCheck is the check character of the first len(CreditWeights) characters of a
// code (upper case), or 0 when one is not of the alphabet.
func (r CellRules) CreditCheck(body string) byte {
	if len(body) != len(r.CreditWeights) {
		return 0
	}
	m := len(r.CreditAlphabet)
	sum := 0
	for i, w := range r.CreditWeights {
		v := r.CreditValue(body[i])
		if v < 0 {
			return 0
		}
		sum += v * w
	}
	return r.CreditAlphabet[(m-sum%m)%m]
}

// CreditOK reports whether s, in upper case, is a valid credit code.
func (r CellRules) CreditOK(s string) bool {
	return len(s) == r.CreditLen() && r.CreditValue(s[len(s)-1]) >= 0 && r.CreditCheck(s[:len(s)-1]) == s[len(s)-1]
}

// Validate checks that the rules can be read by both paths.
func (r CellRules) Validate() error {
	switch {
	case r.Space == "" || r.CreditAlphabet == "" || len(r.CreditWeights) == 0:
		return fmt.Errorf("cell rules: space, credit alphabet and weights must not be empty")
	case r.Precision < 1 || r.Precision > 18 || r.Scale < 0 || r.Scale >= r.Precision || r.FractionScale < 0 || r.FractionScale >= r.Precision:
		return fmt.Errorf("cell rules: precision must be 1–18 and the scales below it")
	case r.FirstYear < 1 || r.LastYear < r.FirstYear:
		return fmt.Errorf("cell rules: first_year %d and last_year %d do not make a span", r.FirstYear, r.LastYear)
	}
	for _, c := range r.CreditAlphabet {
		if c >= 0x80 || strings.ContainsRune(`]\^-`, c) {
			return fmt.Errorf("cell rules: credit alphabet character %q is not a plain ASCII letter or digit", c)
		}
	}
	for _, o := range r.NotBefore {
		if !hasColumn(KindTickets, o.Col) || !hasColumn(KindTickets, o.Of) {
			return fmt.Errorf("cell rules: not_before names %s and %s, not both ticket columns", o.Col, o.Of)
		}
	}
	return nil
}
