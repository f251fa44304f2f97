package reports

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/zhuqi/zhuqi/queries"
)

// TestLabels: every label the documents use exists in every language.
func TestLabels(t *testing.T) {
	keys := map[string]bool{}
	re := regexp.MustCompile(`L\.t\("([a-z_.]+)"[,)]`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	for _, k := range queries.RankKinds {
		keys["h.rank."+k] = true
	}
	for _, k := range []string{"flag.red", "flag.black", "entity.region", "metric.revenue"} {
		keys[k] = true
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d label keys", len(keys))
	}
	for _, l := range Langs {
		for k := range keys {
			if _, ok := words[l][k]; !ok {
				t.Errorf("%s: no label %q", l, k)
			}
		}
		if len(words[l]) != len(words["zh"]) {
			t.Errorf("%s has %d labels, zh %d", l, len(words[l]), len(words["zh"]))
		}
	}
}
