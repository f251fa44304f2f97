package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
)

// Main is the command line: one Run per invocation, with its streams injectable for tests.
type Main struct {
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment ($ZHUQI_DB, $ZHUQI_CONFIG).
	Getenv func(string) string
	// Terminal is where progress bars are drawn when it is a terminal; nil draws none.
	Terminal *os.File
	// Now is the clock of `jobs list` and `jobs run`; nil is the wall clock.
	Now func() time.Time
}

func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Terminal: os.Stderr}
}

// usageError is a misuse of the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

const usage = `zhuqi: the Zhuqi (助企) enterprise-service analytics pipeline

Usage:
  zhuqi demo                       generate sample exports, ingest them, report (the main job)
  zhuqi gen     --out DIR [--tickets N] [--months M] [--seed S] [--messy]
  zhuqi ingest  [--db F] [--kind tickets|targets|actuals|benchmarks|deductions|exclusions] [--as-of T] FILE...
  zhuqi metrics [--db F] --period P [--by DIM[,DIM]] [--format table|csv|json]
  zhuqi growth  [--db F] --period YYYY-MM [--entity-type T] [--metric K] [--summary] [--format ...]
  zhuqi rank    departments|regions|cadres [--db F] --period P [--format ...]
  zhuqi flags   [--db F] [--period P] [--format ...]   red and black flags at the snapshot time
  zhuqi report  briefing|ranking|cadres|overdue [--db F] --period P [--out DIR] [--lang zh|en]
  zhuqi publish ranking [--db F] --period P [--out DIR]    frozen, versioned publication
  zhuqi publish list [--db F]
  zhuqi explain department|region|cadre NAME [--db F] --period P [--format table|csv|json]
  zhuqi jobs    list | run JOB [--period P] [--force] | history [--job J]
  zhuqi serve   [--config F] [--db F]          the scheduler: inbox ingest, reports, publications
  zhuqi sql     [--db F] [-c SQL | -f FILE] [--format table|csv|json|parquet] [--out F]   read-only
  zhuqi schema  [--db F]           tables and views with their columns and comments
  zhuqi export  [--db F] --format parquet|csv --out DIR   Hive-partitioned by month
  zhuqi config  show [--config F]

Every command takes --config F (default ./zhuqi.toml or ./zhuqi.yaml, else built-in) and,
where it uses the database, --db F (default $ZHUQI_DB, else the config's database,
./zhuqi.duckdb). Run "zhuqi COMMAND -h" for a command's flags.
`

// Run runs one command.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "demo":
		return m.runDemo(ctx, rest)
	case "gen":
		return m.runGen(ctx, rest)
	case "ingest":
		return m.runIngest(ctx, rest)
	case "config":
		return m.runConfig(ctx, rest)
	case "metrics":
		return m.runMetrics(ctx, rest)
	case "growth":
		return m.runGrowth(ctx, rest)
	case "rank":
		return m.runRank(ctx, rest)
	case "flags":
		return m.runFlags(ctx, rest)
	case "publish":
		return m.runPublish(ctx, rest)
	case "jobs":
		return m.runJobs(ctx, rest)
	case "serve":
		return m.runServe(ctx, rest)
	case "sql":
		return m.runSQL(ctx, rest)
	case "schema":
		return m.runSchema(ctx, rest)
	case "export":
		return m.runExport(ctx, rest)
	case "report":
		return m.runReport(ctx, rest)
	case "explain":
		return m.runExplain(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	fmt.Fprint(m.Stderr, usage)
	return usagef("unknown command %q", cmd)
}

// common holds the flags every command shares.
type common struct {
	db, config string
}

func (c *common) register(fs *flag.FlagSet, withDB bool) {
	fs.StringVar(&c.config, "config", "", "configuration file (zhuqi.toml or zhuqi.yaml)")
	if withDB {
		fs.StringVar(&c.db, "db", "", "DuckDB database file (default $ZHUQI_DB, else the config's database)")
	}
}

func (m *Main) loadConfig(c *common) (*zhuqi.Config, error) {
	path := c.config
	if path == "" {
		path = m.Getenv("ZHUQI_CONFIG")
	}
	return zhuqi.LoadConfig(path)
}

func (m *Main) dbPath(c *common, cfg *zhuqi.Config) string {
	switch {
	case c.db != "":
		return c.db
	case m.Getenv("ZHUQI_DB") != "":
		return m.Getenv("ZHUQI_DB")
	default:
		return cfg.Database
	}
}

func (m *Main) openStore(ctx context.Context, c *common, cfg *zhuqi.Config) (*pipeline.Store, error) {
	return pipeline.Open(ctx, m.dbPath(c, cfg))
}

// parseFlags parses args with fs; a parse error or -h is misuse (exit 2).
func (m *Main) parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(m.Stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usagef("%s: help requested", fs.Name())
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	return nil
}

func (m *Main) runConfig(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "show" {
		return usagef("config: use `zhuqi config show [--config F]`")
	}
	fs := flag.NewFlagSet("config show", flag.ContinueOnError)
	var c common
	c.register(fs, false)
	if err := m.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := m.loadConfig(&c)
	if err != nil {
		return err
	}
	out, err := cfg.TOML()
	if err != nil {
		return err
	}
	src := cfg.Source
	if src == "" {
		src = "built-in defaults"
	}
	fmt.Fprintf(m.Stdout, "# effective configuration (%s)\n", strings.ReplaceAll(src, "\n", " "))
	_, err = m.Stdout.Write(out)
	return err
}
