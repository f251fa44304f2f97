package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/sample"
	"github.com/zhuqi/zhuqi/store"
)

// allCommands lists the path of every command of the tree, the root first.
func allCommands() [][]string {
	var out [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		out = append(out, path)
		for _, s := range c.Commands() {
			walk(s, append(append([]string{}, path...), s.Name()))
		}
	}
	root := (&Main{}).rootCommand()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walk(root, nil)
	return out
}

func TestHelp_EveryCommandExits0(t *testing.T) {
	cmds := allCommands()
	if len(cmds) < 25 {
		t.Fatalf("only %d commands", len(cmds))
	}
	for _, path := range cmds {
		for _, h := range []string{"--help", "-h"} {
			code, out, errs := run(t, append(append([]string{}, path...), h)...)
			if code != 0 || !strings.Contains(out, "Usage:") {
				t.Errorf("zhuqi %s %s: exit %d, stdout %q, stderr %q", strings.Join(path, " "), h, code, out, errs)
				continue
			}
			// Every command a person runs has an example to copy.
			if len(path) > 0 && path[0] != "help" && path[0] != "completion" && !strings.Contains(out, "Examples:\n  zhuqi ") {
				t.Errorf("zhuqi %s --help has no example:\n%s", strings.Join(path, " "), out)
			}
		}
	}
	// Help flags after other arguments and flags, and the help command.
	for _, args := range [][]string{{"metrics", "--period", "2026-10", "--help"}, {"rank", "departments", "--help"}, {"help", "ingest"}, {"publish", "ranking", "-h"}} {
		if code, out, _ := run(t, args...); code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
}

func TestVersionCompletionAndSuggestions(t *testing.T) {
	if code, out, _ := run(t, "--version"); code != 0 || !strings.HasPrefix(out, "zhuqi ") || !strings.Contains(out, "go1.") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	for _, sh := range []string{"bash", "zsh"} {
		if code, out, _ := run(t, "completion", sh); code != 0 || !strings.Contains(out, "zhuqi") || len(out) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes", sh, code, len(out))
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"metric"}, "Did you mean this?\n\tmetrics"},
		{[]string{"ingset", "x.csv"}, "Did you mean this?\n\tingest"},
		{[]string{"publish", "lis"}, `did you mean "list"?`},
		{[]string{"jobs", "hist"}, `did you mean "history"?`},
		{[]string{"rank", "regoins", "--period", "2026-10"}, "use departments, regions, cadres"},
		{[]string{"metrics", "--perod", "2026-10"}, "unknown flag: --perod"},
	} {
		code, _, errs := run(t, tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errs, tc.want)
		}
	}
	if code, _, errs := run(t); code != 2 || !strings.Contains(errs, "zhuqi metrics [--db F] --period P") {
		t.Errorf("no command: exit %d, %q", code, errs)
	}
}

// TestReadersOnAMissingDatabase: each command that reads the database says in one line
// what to run first, exits 1 and creates nothing; a folder as --db is named as such.
func TestReadersOnAMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.duckdb")
	readers := [][]string{
		{"metrics", "--period", "2026-10"}, {"growth", "--period", "2026-10"}, {"rank", "regions", "--period", "2026-10"},
		{"flags"}, {"report", "briefing", "--period", "2026-10", "--out", filepath.Join(dir, "out")},
		{"publish", "ranking", "--period", "2026-10", "--out", filepath.Join(dir, "out")}, {"publish", "list"},
		{"sql", "-c", "SELECT 1"}, {"schema"}, {"export", "--out", filepath.Join(dir, "out")}, {"jobs", "history"},
	}
	for _, args := range readers {
		code, _, errs := run(t, append(args, "--db", missing)...)
		if code != 1 || strings.Contains(errs, "\n") || !strings.Contains(errs, "no database at "+missing) ||
			!strings.Contains(errs, "zhuqi ingest") || !strings.Contains(errs, "zhuqi demo") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
		code, _, errs = run(t, append(args, "--db", dir)...)
		if code != 1 || !strings.Contains(errs, "--db "+dir+" is a folder, not a database file") {
			t.Errorf("%v --db folder: exit %d, stderr %q", args, code, errs)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("the commands created %v", entries)
	}
}

// TestIngest_DBFlagAfterFiles is the reported bug: --db after the file was taken for a
// file, and ./zhuqi.duckdb was created instead.
func TestIngest_DBFlagAfterFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := sample.Generate(context.Background(), sample.Options{Out: dir, Tickets: 200, Variants: []string{}}); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	code, out, errs := run(t, "ingest", "tickets_2026-09-30.csv", "--db", "x.duckdb", "tickets_2026-10-31.csv")
	if code != 0 || strings.Count(out, "tickets_2026-") < 2 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat("x.duckdb"); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat("zhuqi.duckdb"); err == nil {
		t.Error("./zhuqi.duckdb was created")
	}
	t.Run("Err_NoParentFolder", func(t *testing.T) {
		code, _, errs := run(t, "ingest", "tickets_2026-09-30.csv", "--db", "nodir/x.duckdb")
		if code != 1 || !strings.Contains(errs, "folder nodir does not exist") || !strings.Contains(errs, "mkdir -p nodir") {
			t.Errorf("exit %d: %q", code, errs)
		}
	})
	t.Run("Err_Folder", func(t *testing.T) {
		code, _, errs := run(t, "ingest", "tickets_2026-09-30.csv", "--db", dir)
		if code != 1 || !strings.Contains(errs, "is a folder, not a database file") {
			t.Errorf("exit %d: %q", code, errs)
		}
	})
}

// TestFlagsAfterPositionals: the same answer with flags before or after the names.
func TestFlagsAfterPositionals(t *testing.T) {
	db := sampleDatabase(t)
	same := func(a, b []string) {
		t.Helper()
		ca, oa, ea := run(t, a...)
		cb, ob, eb := run(t, b...)
		if ca != 0 || cb != 0 || oa != ob {
			t.Errorf("%v (exit %d, %s) and %v (exit %d, %s) differ:\n%s\n%s", a, ca, ea, b, cb, eb, oa, ob)
		}
	}
	same([]string{"rank", "departments", "--db", db, "--period", "2026-10", "--format", "csv"},
		[]string{"rank", "--period", "2026-10", "--format", "csv", "--db", db, "departments"})
	// Singular and plural alike.
	same([]string{"rank", "regions", "--db", db, "--period", "2026-10", "--format", "csv"},
		[]string{"rank", "region", "--db", db, "--period", "2026-10", "--format", "csv"})
	same([]string{"growth", "--db", db, "--period", "2026-10", "--entity-type", "region", "--format", "csv"},
		[]string{"growth", "--db", db, "--period", "2026-10", "--entity-type", "regions", "--format", "csv"})
	same([]string{"metrics", "--db", db, "--period", "2026-10", "--by", "region", "--format", "csv"},
		[]string{"metrics", "--db", db, "--period", "2026-10", "--by", "regions", "--format", "csv"})
	if _, out, _ := run(t, "growth", "--db", db, "--period", "2026-10", "--entity-type", "regions", "--format", "csv"); strings.Count(out, "\nregion,") < 3 {
		t.Errorf("growth --entity-type regions has no region rows:\n%s", out)
	}
	if code, _, errs := run(t, "growth", "--db", db, "--period", "2026-10", "--entity-type", "county"); code != 2 || !strings.Contains(errs, "use enterprise, region, department or program") {
		t.Errorf("unknown entity type: exit %d, %q", code, errs)
	}

	// Writers: report and publish on a copy.
	dir := t.TempDir()
	w := filepath.Join(dir, "w.duckdb")
	copyFile(t, db, w)
	out := filepath.Join(dir, "out")
	if code, stdout, errs := run(t, "report", "--period", "2026-10", "--out", out, "--lang", "en", "overdue", "--db", w); code != 0 || !strings.Contains(stdout, "overdue") {
		t.Errorf("report with flags first: exit %d\n%s\n%s", code, stdout, errs)
	}
	if code, stdout, errs := run(t, "publish", "--period", "2026-10", "ranking", "--out", out, "--db", w); code != 0 || !strings.Contains(stdout, "ranking-2026-10-v1") {
		t.Errorf("publish with flags first: exit %d\n%s\n%s", code, stdout, errs)
	}
	if code, stdout, errs := run(t, "publish", "list", "--format", "csv", "--db", w); code != 0 || !strings.Contains(stdout, "ranking-2026-10-v1,2026-10,1,") {
		t.Errorf("publish list: exit %d\n%s\n%s", code, stdout, errs)
	}
}

// TestPeopleTables: the tables for people fit 120 cells and say where the other columns
// are; csv keeps every column.
func TestPeopleTables(t *testing.T) {
	db := sampleDatabase(t)
	for _, args := range [][]string{
		{"metrics", "--period", "2026-10", "--by", "region"},
		{"metrics", "--period", "2026-Q3", "--by", "department,category"},
		{"growth", "--period", "2026-10"},
		{"growth", "--period", "2026-10", "--summary"},
		{"rank", "departments", "--period", "2026-10"},
		{"rank", "cadres", "--period", "2026-10"},
		{"flags"},
	} {
		code, out, errs := run(t, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		lines := strings.Split(out, "\n")
		for _, l := range lines[1:] {
			if w := tabular.DisplayWidth(l); w > 120 && !strings.HasPrefix(l, "通报") && !strings.HasPrefix(l, "进步") && !strings.HasPrefix(l, "未参与") && !strings.HasPrefix(l, "表扬") {
				t.Errorf("%v: a line %d cells wide:\n%s", args, w, l)
			}
		}
	}
	_, out, _ := run(t, "metrics", "--db", db, "--period", "2026-10", "--by", "region")
	if !strings.Contains(out, "region  collected  solved  resolution_rate") || !strings.Contains(out, "of 30 columns; --format csv or --format json for all") {
		t.Errorf("metrics --by region for people:\n%s", out)
	}
}

// holdRead is the child that holds the database as a reader (a `zhuqi sql` session)
// until its standard input closes.
func holdRead(db string) int {
	st, err := store.OpenReadOnly(context.Background(), db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	if _, err := st.DB.Exec("SELECT count(*) FROM ingests"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("held")
	bufio.NewReader(os.Stdin).ReadString('\n')
	return 0
}

// startReader starts a process that holds db as a reader; the returned func releases it.
func startReader(t *testing.T, db string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ZHUQI_HOLD_READ="+db)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "held\n" {
		t.Fatalf("the reader did not start: %q", line)
	}
	done := false
	release = func() {
		if !done {
			done = true
			stdin.Close()
			cmd.Wait()
		}
	}
	t.Cleanup(release)
	return release
}

// TestIngest_WaitsForAReader: ingest waits (on an injected clock) while a reader holds
// the database; it loads once the reader leaves, and when the reader stays past
// jobs.lock_wait it gives up naming a reader, with the database unchanged.
func TestIngest_WaitsForAReader(t *testing.T) {
	dir := t.TempDir()
	if _, err := sample.Generate(context.Background(), sample.Options{Out: dir, Tickets: 200, Variants: []string{}}); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "z.duckdb")
	if code, _, errs := run(t, "ingest", filepath.Join(dir, "tickets_2026-09-30.csv"), "--db", db); code != 0 {
		t.Fatal(errs)
	}
	ingest := func(sleep func(d time.Duration)) (int, string, string, []time.Duration) {
		now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
		var slept []time.Duration
		var out, errb strings.Builder
		m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: func() time.Time { return now },
			Sleep: func(_ context.Context, d time.Duration) error {
				slept = append(slept, d)
				now = now.Add(d)
				sleep(d)
				return nil
			}}
		err := m.Run(context.Background(), []string{"ingest", filepath.Join(dir, "tickets_2026-10-31.csv"), "--db", db})
		return exitCode(errorsTo(&errb, err)), out.String(), errb.String(), slept
	}

	t.Run("Err_GivesUpNamingTheReader", func(t *testing.T) {
		startReader(t, db)
		hash := fileHash(t, db)
		code, _, errs, slept := ingest(func(time.Duration) {})
		var total time.Duration
		for _, d := range slept {
			total += d
		}
		if code != 1 || !strings.Contains(errs, "is busy: a program reading it (a `zhuqi sql` session") || strings.Contains(errs, "writing") || total < 5*time.Minute {
			t.Errorf("exit %d after %s: %q", code, total, errs)
		}
		if fileHash(t, db) != hash {
			t.Error("the database changed")
		}
	})
	t.Run("OK_LoadsWhenTheReaderLeaves", func(t *testing.T) {
		release := startReader(t, db)
		code, out, errs, slept := ingest(func(time.Duration) { release() })
		if code != 0 || len(slept) == 0 || !strings.Contains(out, "tickets_2026-10-31.csv") {
			t.Errorf("exit %d after %d waits\n%s\n%s", code, len(slept), out, errs)
		}
	})
}

// TestREADME_CommandTable: the README's table of commands is the one `zhuqi --help`
// prints; -update rewrites it.
func TestREADME_CommandTable(t *testing.T) {
	const begin, end = "<!-- commands -->\n", "<!-- /commands -->"
	path := filepath.Join("..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q section", begin, end)
	}
	root := (&Main{}).rootCommand()
	var want strings.Builder
	want.WriteString("| Command | What it does |\n|---|---|\n")
	for _, l := range commandLines(root) {
		fmt.Fprintf(&want, "| `%s` | %s |\n", strings.ReplaceAll(l[0], "|", `\|`), l[1])
	}
	if *update {
		readme = readme[:i+len(begin)] + want.String() + readme[j:]
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := readme[i+len(begin) : j]; got != want.String() {
		t.Errorf("README.md's command table is not the commands' (go test -tags duckdb_arrow ./cmd/zhuqi -run TestREADME_CommandTable -update):\n got:\n%s\nwant:\n%s", got, want.String())
	}
	// And each line of the table is in `zhuqi --help`.
	_, help, _ := run(t, "--help")
	var missing []string
	for _, l := range commandLines(root) {
		if !strings.Contains(help, "  "+l[0]+"\n        "+l[1]+"\n") {
			missing = append(missing, l[0])
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("zhuqi --help lacks %v", missing)
	}
}

func TestConfigShow_HidesTheToken(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "zhuqi.toml")
	os.WriteFile(conf, []byte("[jobs]\nwebhook = \"https://oapi.dingtalk.com/robot/send?access_token=0f1e2d3c4b5a69788796a5b4c3d2e1f0\"\n"), 0o644)
	code, out, errs := run(t, "config", "show", "--config", conf)
	if code != 0 || strings.Contains(out, "0f1e2d3c") || !strings.Contains(out, `webhook = "https://oapi.dingtalk.com/robot/send?access_token=***"`) {
		t.Errorf("exit %d: %s\n%s", code, errs, out)
	}
}

// TestIngest_KindFromHeader: without --kind, a file is recognised by its header; with the
// wrong --kind, the error shows the header row read and suggests the right kind.
func TestIngest_KindFromHeader(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.duckdb")
	targets := filepath.Join(dir, "目标.csv")
	if err := os.WriteFile(targets, []byte("entity_type,entity,metric,year,target,unit\nenterprise,鲁南装备公司,revenue,2026,1200,万元\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := run(t, "ingest", targets, "--db", db, "--as-of", "2026-10-31"); code != 0 || !strings.Contains(out, "targets") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := run(t, "sql", "--db", db, "-c", "SELECT count(*) AS n FROM targets", "--format", "csv"); code != 0 || out != "n\n1\n" {
		t.Errorf("targets loaded: exit %d %q %s", code, out, errs)
	}
	code, _, errs := run(t, "ingest", targets, "--db", db, "--kind", "tickets")
	if code != 1 || !strings.Contains(errs, "entity_type") || !strings.Contains(errs, "--kind targets") {
		t.Errorf("wrong --kind: exit %d: %s", code, errs)
	}
}

// TestGrowth_NothingToShow: a filter that matches no target says so, and how to load
// them, instead of printing an empty table.
func TestGrowth_NothingToShow(t *testing.T) {
	db := sampleDatabase(t)
	code, out, errs := run(t, "growth", "--db", db, "--period", "2026-10", "--metric", "no_such_metric")
	if code != 0 || !strings.Contains(out, "no targets or actuals for 2026-10 (no_such_metric)") || strings.Contains(out, "entity_type") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
}
