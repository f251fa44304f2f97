package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/internal/testdb"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/sample"
	"github.com/zhuqi/zhuqi/store"
)

// run runs the command line as a user would and returns the exit status.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	err := m.Run(context.Background(), args)
	code = exitCode(errorsTo(&errb, err))
	return code, out.String(), errb.String()
}

// errorsTo returns err; exitCode prints to os.Stderr, so copy the message for the test.
func errorsTo(w io.Writer, err error) error {
	if err != nil {
		io.WriteString(w, err.Error())
	}
	return err
}

func TestIngest_ExitStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.duckdb")
	if _, err := sample.Generate(context.Background(), sample.Options{Out: dir, Tickets: 300, Messy: true, Variants: []string{}}); err != nil {
		t.Fatal(err)
	}
	t.Run("OK_MessyFileLoadsWithRejects", func(t *testing.T) {
		code, out, errs := run(t, "ingest", "--db", db, filepath.Join(dir, "tickets_2026-10-31.csv"))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, want := range []string{"拒收 rejected", "missing_required", "duplicate_id", "bad_credit_code"} {
			if !strings.Contains(out, want) {
				t.Errorf("report lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("Err_MissingColumnExits1", func(t *testing.T) {
		p := filepath.Join(dir, "nocol.csv")
		os.WriteFile(p, []byte("诉求编号,县市区,诉求类别,提报时间,办理状态\nA1,奎文区,用地,2026-10-03,办理中\n"), 0o644)
		code, _, errs := run(t, "ingest", "--db", db, p)
		if code != 1 || !strings.Contains(errs, "「企业名称」(enterprise)") || !strings.Contains(errs, "nocol.csv") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("Err_MisuseExits2", func(t *testing.T) {
		for _, args := range [][]string{{"ingest"}, {"ingest", "--kind", "nope", "x.csv"}, {"nosuch"}, {"ingest", "--as-of", "yesterday", "x.csv"}} {
			if code, _, _ := run(t, args...); code != 2 {
				t.Errorf("%v: exit %d, want 2", args, code)
			}
		}
	})
}

// TestGen_IngestMatchesExpectations ingests every generated messy file, in every format,
// and compares the ingest report with what the generator says it put in.
func TestGen_IngestMatchesExpectations(t *testing.T) {
	dir := t.TempDir()
	sum, err := sample.Generate(context.Background(), sample.Options{Out: dir, Tickets: 2000, Messy: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg := zhuqi.Default()
	for _, f := range sum.Files {
		t.Run(f.Format+"_"+filepath.Base(f.Path), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "z.duckdb")
			testdb.Empty(t, db)
			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			rep, err := pipeline.Ingest(context.Background(), st, cfg, f.Path, pipeline.Options{Kind: zhuqi.Kind(f.Kind)})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Read != f.Rows {
				t.Errorf("read %d, generated %d", rep.Read, f.Rows)
			}
			got := map[string]int64{}
			for _, c := range rep.Rejects {
				got[c.Code] += c.Count
			}
			if !sameCounts(got, f.Rejects) {
				t.Errorf("rejects %v, want %v", got, f.Rejects)
			}
			gotW := map[string]int64{}
			for _, c := range rep.Warnings {
				gotW[c.Code] += c.Count
			}
			if !sameCounts(gotW, f.Warnings) {
				t.Errorf("warnings %v, want %v", gotW, f.Warnings)
			}
		})
	}
}

func sameCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func TestGen_Deterministic(t *testing.T) {
	hash := func(dir string) map[string][32]byte {
		out := map[string][32]byte{}
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				b, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(dir, p)
				out[rel] = sha256.Sum256(b)
			}
			return nil
		})
		return out
	}
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if code, _, errs := run(t, "gen", "--out", d, "--tickets", "1500", "--seed", "7", "--messy"); code != 0 {
			t.Fatal(errs)
		}
	}
	ha, hb := hash(a), hash(b)
	if len(ha) < 8 {
		t.Fatalf("only %d files generated", len(ha))
	}
	for k, v := range ha {
		if hb[k] != v {
			t.Errorf("%s differs between two runs with the same seed", k)
		}
	}
}

func TestDemo(t *testing.T) {
	d := sharedDemo(t)
	first := d.runs[0]
	if first.code != 0 {
		t.Fatalf("exit %d: %s", first.code, first.stderr)
	}
	rep, ok := first.files["/ingest-report.txt"]
	if !ok {
		t.Fatal("no ingest-report.txt under the demo's folder")
	}
	for _, want := range []string{"tickets_2026-09-30.csv", "tickets_2026-10-31.csv", "targets_2026-10-31.csv", "deductions_2026-10-31.csv", "== 数据库 database:"} {
		if !strings.Contains(string(rep), want) || !strings.Contains(first.stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	// A second demo starts afresh and gives the same report (ingest times aside).
	if second := d.runs[1]; second.code != 0 {
		t.Fatalf("second demo: exit %d: %s", second.code, second.stderr)
	}
	if _, err := os.Stat(filepath.Join(d.out, "zhuqi.duckdb")); errors.Is(err, os.ErrNotExist) {
		t.Error("no database left under out/")
	}
}

// demoRun is what the shared demo left: `zhuqi demo --tickets 3000` run twice into the
// same folder, with each run's exit status, output and files (the database aside).
type demoRun struct {
	out  string
	runs [2]struct {
		code           int
		stdout, stderr string
		files          map[string][]byte // by path under out, with its leading "/"
	}
}

var (
	demoOnce sync.Once
	demoRes  *demoRun
	demoErr  error
)

// sharedDemo runs the two demos once per test binary, for TestDemo, TestDemo_Reproducible
// and TestDocsSQL; its folder must not be written by them.
func sharedDemo(t *testing.T) *demoRun {
	t.Helper()
	demoOnce.Do(func() {
		out, err := os.MkdirTemp("", "zhuqi-demo-")
		if err != nil {
			demoErr = err
			return
		}
		d := &demoRun{out: out}
		for i := range d.runs {
			r := &d.runs[i]
			var stdout, stderr bytes.Buffer
			m := &Main{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
			r.code = exitCode(errorsTo(&stderr, m.Run(context.Background(), []string{"demo", "--out", out, "--tickets", "3000"})))
			r.stdout, r.stderr = stdout.String(), stderr.String()
			if r.files, demoErr = readOutputs(out); demoErr != nil {
				return
			}
		}
		demoRes = d
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoRes
}

// readOutputs reads every file under out but the database's.
func readOutputs(out string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), "zhuqi.duckdb") {
			return err
		}
		b, err := os.ReadFile(path)
		files[strings.TrimPrefix(path, out)] = b
		return err
	})
	return files, err
}

// removeShared removes the folders of the databases and the demo the tests shared.
func removeShared() {
	if sampleDB != "" {
		os.RemoveAll(filepath.Dir(sampleDB))
	}
	if demoRes != nil {
		os.RemoveAll(demoRes.out)
	}
}
