package zhuqi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfig_MergesTOML(t *testing.T) {
	p := writeConfig(t, "zhuqi.toml", `
timezone = "Asia/Urumqi"
[aliases.tickets]
enterprise = ["市场主体名称"]
[[enums.status]]
value = "resolved"
labels = ["已完结"]
[calendar]
holidays = [{ name = "元旦", from = "2027-01-01", to = "2027-01-01" }]
`)
	c, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	eq := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	eq("timezone", c.Timezone, "Asia/Urumqi")
	al := c.AliasesOf(KindTickets, "enterprise")
	eq("built-in alias kept", al[1], "企业名称")
	eq("office alias added", al[len(al)-1], "市场主体名称")
	var labels []string
	for _, v := range c.Enums["status"] {
		if v.Value == "resolved" {
			labels = v.Labels
		}
	}
	eq("label added", labels[len(labels)-1], "已完结")
	cal, err := c.Calendar.Build()
	if err != nil {
		t.Fatal(err)
	}
	eq("2026 still covered", cal.Covers(2026), true)
	eq("2027 added", cal.Covers(2027), true)
	eq("rules unchanged", c.Rules.Version(), Default().Rules.Version())
}

// TestLoadConfig_FastPath: [ingest] fast_path is on by default; an office file that sets
// it false turns it off, one that leaves it out keeps it on, and it is not in ReadingTOML.
func TestLoadConfig_FastPath(t *testing.T) {
	d := Default()
	if d.Ingest.FastPath == nil || !*d.Ingest.FastPath {
		t.Fatalf("default fast_path = %v, want true", d.Ingest.FastPath)
	}
	for body, want := range map[string]bool{"[ingest]\nfast_path = false\n": false, "[ingest]\nbatch_rows = 1000\n": true} {
		c, err := LoadConfig(writeConfig(t, "zhuqi.toml", body))
		if err != nil {
			t.Fatal(err)
		}
		if c.Ingest.FastPath == nil || *c.Ingest.FastPath != want {
			t.Errorf("%q: fast_path = %v, want %v", body, c.Ingest.FastPath, want)
		}
		a, _ := c.ReadingTOML()
		b, _ := d.ReadingTOML()
		if string(a) != string(b) {
			t.Errorf("%q: ReadingTOML changed; fast_path must not change the raw row hashes", body)
		}
	}
}

func TestLoadConfig_YAMLRules(t *testing.T) {
	p := writeConfig(t, "zhuqi.yaml", `
rules:
  name: taian-2027
  assign_days: 1
  reply_days: 5
  red_max_late_days: 3
  weight_satisfied: 1
  weight_basic: 0.8
  weight_dissatisfied: 0
  growth_premium: 0.05
  bottom: 3
  risers: 3
  department: {min_tickets: 10, effect_reply: 25, effect_completion: 25, service: 30, efficiency: 20}
  region: {min_tickets: 5, scale: 100, response: 0.1, resolution: 0.45, satisfaction: 0.45}
  cadre: {star_min_satisfaction: 0.9, star_min_solved: 3, min_solved: 3, top: 10, solved_weight: 60, satisfaction_weight: 40}
`)
	c, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Rules.ReplyDays != 5 || c.Rules.Department.MinTickets != 10 || !strings.HasPrefix(c.Rules.Version(), "taian-2027@") {
		t.Errorf("rules = %+v (%s)", c.Rules, c.Rules.Version())
	}
}

func TestLoadConfig_Err(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"zhuqi.toml", "colour = 1\n", "unknown settings"},
		{"zhuqi.toml", "timezone = \"Mars/Base\"\n", "IANA"},
		{"zhuqi.toml", "[aliases.tickets]\nflavour = [\"口味\"]\n", "not a column"},
		{"zhuqi.toml", "[[enums.status]]\nvalue = \"closed\"\nlabels = [\"已办结\"]\n", "means both"},
		{"zhuqi.toml", "[calendar]\nworkdays = [{ name = \"x\", date = \"2026-02-16\" }]\n", "both a holiday"},
		{"zhuqi.toml", "[rules]\nname = \"half\"\n", "rules half"},
		{"zhuqi.yaml", "colour: 1\n", "colour"},
		{"zhuqi.toml", "[jobs]\nsettle = \"soon\"\n", "jobs.settle"},
		{"zhuqi.toml", "[jobs]\nwebhook_kind = \"slack\"\n", "dingtalk or wecom"},
		{"zhuqi.toml", "[jobs]\ntimezone = \"Mars/Base\"\n", "jobs.timezone"},
		{"zhuqi.toml", "[jobs.schedule.ranking]\nwhen = \"monthly\"\n", "unknown settings"},
	} {
		_, err := LoadConfig(writeConfig(t, tc.name, tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestConfigTOMLRoundTrip(t *testing.T) {
	b, err := Default().TOML()
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(writeConfig(t, "zhuqi.toml", string(b)))
	if err != nil {
		t.Fatalf("config show output does not load back: %v", err)
	}
	if c.Rules.Version() != Default().Rules.Version() {
		t.Error("rules changed through config show")
	}
}

func TestLoadConfig_Jobs(t *testing.T) {
	p := writeConfig(t, "zhuqi.toml", `
[jobs]
inbox = "/srv/inbox"
attempts = 5
[jobs.schedule.overdue]
workdays_only = true
[jobs.schedule.bulletin]
enabled = false
`)
	c, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	j := c.Jobs
	if j.Inbox != "/srv/inbox" || j.Attempts != 5 || j.Out != "out" || j.RetryBackoff != "30s" {
		t.Errorf("jobs settings %+v", j)
	}
	if s := j.Schedule["overdue"]; s.Cron != "0 8 * * *" || !s.On() || !s.OnWorkdaysOnly() {
		t.Errorf("overdue %+v", s)
	}
	if s := j.Schedule["bulletin"]; s.Cron != "0 9 5 1,4,7,10 *" || s.On() {
		t.Errorf("bulletin %+v", s)
	}
	if s := Default().Jobs.Schedule["overdue"]; s.OnWorkdaysOnly() {
		t.Error("the office's setting leaked into the defaults")
	}
	if d, err := j.Duration("lock_wait"); err != nil || d.Minutes() != 5 {
		t.Errorf("lock_wait %v, %v", d, err)
	}
}

func TestMaskURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123", "https://oapi.dingtalk.com/robot/send?access_token=***"},
		{"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"},
		{"https://user:secret@hooks.example.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX", "https://user@hooks.example.com/services/T000/B000/***"},
		{"", ""},
		{"not a url with a token 0123456789", "***"},
	} {
		if got := MaskURL(tc.in); got != tc.want {
			t.Errorf("MaskURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestConfig_MaskedHidesTheWebhookToken(t *testing.T) {
	p := writeConfig(t, "zhuqi.toml", "[jobs]\nwebhook = \"https://oapi.dingtalk.com/robot/send?access_token=5ecret5ecret5ecret\"\n")
	c, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Masked().TOML()
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); strings.Contains(s, "5ecret") || !strings.Contains(s, "oapi.dingtalk.com/robot/send?access_token=***") {
		t.Errorf("masked configuration:\n%s", s)
	}
	if !strings.Contains(c.Jobs.Webhook, "5ecret") {
		t.Error("Masked changed the configuration itself")
	}
}
