package adhoc

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/store"
)

// TestExport_CSVDefusesFormulas: `zhuqi export --format csv` prefixes text that a
// spreadsheet would take for a formula, like every other CSV output; Parquet keeps it.
func TestExport_CSVDefusesFormulas(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "zhuqi.duckdb")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "tickets_2026-10-31.csv")
	csv := "诉求编号,企业名称,县市区,诉求类别,提报时间,办理状态,诉求内容\n" +
		"T1,\"=HYPERLINK(\"\"http://example.com\"\",\"\"点我\"\")\",奎文区,融资,2026-10-03 14:05,办理中,＋1 追加\n" +
		"T2,潍坊华星机械有限公司,奎文区,融资,2026-10-04 14:05,办理中,-贷款\n"
	if err := os.WriteFile(src, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.Ingest(ctx, st, zhuqi.Default(), src, pipeline.Options{Kind: zhuqi.KindTickets}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	s := &Session{Path: db, Config: zhuqi.Default()}
	out := filepath.Join(dir, "export")
	if _, err := s.Export(ctx, out, "csv"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "tickets", "month=2026-10", "data_0.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{`'=HYPERLINK(`, "'＋1 追加", "'-贷款", "潍坊华星机械有限公司"} {
		if !strings.Contains(got, want) {
			t.Errorf("export does not hold %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, ",=HYPERLINK") || strings.Contains(got, `,"=HYPERLINK`) {
		t.Errorf("a formula cell is not prefixed:\n%s", got)
	}
}
