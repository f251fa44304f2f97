package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"golang.org/x/term"

	"github.com/zhuqi/zhuqi/adhoc"
	"github.com/zhuqi/zhuqi/internal/tabular"
)

func (m *Main) runSQL(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sql", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	command := fs.String("c", "", "run these SQL statements (separated by ;) and exit")
	file := fs.String("f", "", "run the SQL statements of this file and exit")
	format := fs.String("format", "table", "output format: table, csv, json or parquet (parquet needs --out)")
	out := fs.String("out", "", "write the output to this file instead of standard output")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("sql: unexpected argument %q: quote the statements and pass them with -c", fs.Arg(0))
	}
	if *command != "" && *file != "" {
		return usagef("sql: give -c or -f, not both")
	}
	if *format != "parquet" {
		if err := tabular.CheckFormat(*format); err != nil {
			return usagef("sql: %v, or parquet", err)
		}
	} else if *out == "" {
		return usagef("sql: --format parquet needs --out FILE")
	}
	cfg, err := m.loadConfig(&c)
	if err != nil {
		return err
	}
	s := &adhoc.Session{Path: m.dbPath(&c, cfg), Config: cfg, Warn: func(w string) { fmt.Fprintln(m.Stderr, "注意 warning:", w) }}
	script := *command
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return fmt.Errorf("sql: %w", err)
		}
		script = string(b)
	}
	if script == "" {
		if *format == "parquet" {
			return usagef("sql: --format parquet needs -c or -f")
		}
		return m.sqlPrompt(ctx, s, *format, *out)
	}
	if *format == "parquet" {
		return s.CopyParquet(ctx, script, *out)
	}
	results, err := s.Run(ctx, script)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	for _, r := range results {
		if r.Silent() {
			continue
		}
		if err := tabular.Write(&b, *format, r.Table); err != nil {
			return err
		}
	}
	if *out != "" {
		return writeFileAtomic(*out, b.Bytes())
	}
	_, err = m.Stdout.Write(b.Bytes())
	return err
}

// sqlPrompt runs the interactive prompt: statements end with ";"; Ctrl-C cancels the
// running statement, Ctrl-D or .quit leaves.
func (m *Main) sqlPrompt(ctx context.Context, s *adhoc.Session, format, out string) error {
	sh := &adhoc.Shell{Session: s, Stdout: m.Stdout, Stderr: m.Stderr, Format: format, In: os.Stdin}
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("sql: %w", err)
		}
		defer f.Close()
		sh.Stdout = f
	}
	// Line editing and history when a person types at a terminal; piped input is read as is.
	if term.IsTerminal(int(os.Stdin.Fd())) && m.Terminal != nil {
		sh.Interactive = true
		if dir, err := os.UserCacheDir(); err == nil {
			sh.HistoryFile = filepath.Join(dir, "zhuqi", "sql_history")
		}
	}
	// Ctrl-C cancels the running statement, not the prompt.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	sh.Interrupts = sig
	return sh.Run(context.WithoutCancel(ctx))
}
