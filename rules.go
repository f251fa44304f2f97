package zhuqi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/BurntSushi/toml"
)

// Rules are the official formulas' parameters (DOMAIN §2–§4): deadlines, flag thresholds,
// weights and minimums. Every publication records their version. An office that changes
// them sets a new name and every value; the built-in set is replaced as a whole.
type Rules struct {
	Name string `toml:"name" yaml:"name"`
	// AssignDays and ReplyDays are the 133 rule: assign within 1 working day, answer
	// within 3 working days of created_at.
	AssignDays int `toml:"assign_days" yaml:"assign_days"`
	ReplyDays  int `toml:"reply_days" yaml:"reply_days"`
	// RedMaxLateDays: late by at most this many working days is a red flag, more is black.
	RedMaxLateDays float64 `toml:"red_max_late_days" yaml:"red_max_late_days"`
	// Satisfaction score weights.
	WeightSatisfied    float64 `toml:"weight_satisfied" yaml:"weight_satisfied"`
	WeightBasic        float64 `toml:"weight_basic" yaml:"weight_basic"`
	WeightDissatisfied float64 `toml:"weight_dissatisfied" yaml:"weight_dissatisfied"`
	// GrowthPremium is the growth a target must beat its benchmark by (0.05 = 5 points).
	GrowthPremium float64 `toml:"growth_premium" yaml:"growth_premium"`
	// Bottom and Risers: how many are listed for 通报 and as 进步较快.
	Bottom int `toml:"bottom" yaml:"bottom"`
	Risers int `toml:"risers" yaml:"risers"`

	Department DepartmentRules `toml:"department" yaml:"department"`
	Region     RegionRules     `toml:"region" yaml:"region"`
	Cadre      CadreRules      `toml:"cadre" yaml:"cadre"`
}

// DepartmentRules is the 100-point department ranking (要素保障大比拼).
type DepartmentRules struct {
	MinTickets       int     `toml:"min_tickets" yaml:"min_tickets"`
	EffectReply      float64 `toml:"effect_reply" yaml:"effect_reply"`
	EffectCompletion float64 `toml:"effect_completion" yaml:"effect_completion"`
	Service          float64 `toml:"service" yaml:"service"`
	Efficiency       float64 `toml:"efficiency" yaml:"efficiency"`
}

// RegionRules is the region ranking (三率).
type RegionRules struct {
	MinTickets   int     `toml:"min_tickets" yaml:"min_tickets"`
	Scale        float64 `toml:"scale" yaml:"scale"`
	Response     float64 `toml:"response" yaml:"response"`
	Resolution   float64 `toml:"resolution" yaml:"resolution"`
	Satisfaction float64 `toml:"satisfaction" yaml:"satisfaction"`
}

// CadreRules is cadre recognition (赛比评).
type CadreRules struct {
	StarMinSatisfaction float64 `toml:"star_min_satisfaction" yaml:"star_min_satisfaction"`
	StarMinSolved       int     `toml:"star_min_solved" yaml:"star_min_solved"`
	MinSolved           int     `toml:"min_solved" yaml:"min_solved"`
	Top                 int     `toml:"top" yaml:"top"`
	SolvedWeight        float64 `toml:"solved_weight" yaml:"solved_weight"`
	SatisfactionWeight  float64 `toml:"satisfaction_weight" yaml:"satisfaction_weight"`
}

// Validate checks that the rules are complete and sane.
func (r Rules) Validate() error {
	switch {
	case r.Name == "":
		return fmt.Errorf("rules: name is empty: give the rule set a name, e.g. name = \"taian-2026\"")
	case r.AssignDays < 1 || r.ReplyDays < 1:
		return fmt.Errorf("rules %s: assign_days and reply_days must be at least 1", r.Name)
	case r.RedMaxLateDays <= 0:
		return fmt.Errorf("rules %s: red_max_late_days must be above 0", r.Name)
	case r.Department.MinTickets < 1 || r.Region.MinTickets < 1:
		return fmt.Errorf("rules %s: department.min_tickets and region.min_tickets must be at least 1", r.Name)
	case r.Bottom < 0 || r.Risers < 0 || r.Cadre.Top < 1:
		return fmt.Errorf("rules %s: bottom and risers must not be negative, cadre.top at least 1", r.Name)
	}
	return nil
}

// Version names the rules and a hash of every value, e.g. "taian-2026@3f2a9c01".
func (r Rules) Version() string {
	b, err := toml.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("zhuqi: encode rules: %v", err))
	}
	sum := sha256.Sum256(b)
	return r.Name + "@" + hex.EncodeToString(sum[:4])
}
