package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/zhuqi/zhuqi/adhoc"
	"github.com/zhuqi/zhuqi/internal/tabular"
)

type sqlOptions struct {
	common
	command, file, format, out string
}

func (m *Main) sqlCommand() *cobra.Command {
	var o sqlOptions
	cmd := &cobra.Command{
		Use:   "sql [--db F] [-c SQL | -f FILE] [--format table|csv|json|parquet] [--out F]",
		Short: "read-only SQL on the database (a prompt without -c or -f)",
		Long: `Runs SQL on the database, read-only in every sense: it changes no database, reads and
writes no other file, attaches, installs and loads nothing, and cannot change its own
settings. Results leave only through --format and --out; to copy tables out use
"zhuqi export", to load files use "zhuqi ingest".`,
		Example: `  zhuqi sql
  zhuqi sql -c "SELECT * FROM metrics('2026-10')"
  zhuqi sql -f query.sql --format csv --out result.csv
  zhuqi sql -c "SELECT * FROM tickets" --format parquet --out tickets.parquet`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("sql: unexpected argument %q: quote the statements and pass them with -c", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return m.sql(cmd.Context(), &o) },
	}
	o.register(cmd, true)
	cmd.Flags().StringVarP(&o.command, "command", "c", "", "run these SQL statements (separated by ;) and exit")
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "run the SQL statements of this file and exit")
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table, csv, json or parquet (parquet needs --out)")
	cmd.Flags().StringVar(&o.out, "out", "", "write the output to this file instead of standard output")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"table", "csv", "json", "parquet"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (m *Main) sql(ctx context.Context, o *sqlOptions) error {
	if o.command != "" && o.file != "" {
		return usagef("sql: give -c or -f, not both")
	}
	if o.format != "parquet" {
		if err := tabular.CheckFormat(o.format); err != nil {
			return usagef("sql: %v, or parquet", err)
		}
	} else if o.out == "" {
		return usagef("sql: --format parquet needs --out FILE")
	}
	cfg, err := m.loadConfig(&o.common)
	if err != nil {
		return err
	}
	path, err := m.existingDB(&o.common, cfg)
	if err != nil {
		return err
	}
	s := &adhoc.Session{Path: path, Config: cfg, Warn: func(w string) { fmt.Fprintln(m.Stderr, "注意 warning:", w) }}
	script := o.command
	if o.file != "" {
		b, err := os.ReadFile(o.file)
		if err != nil {
			return fmt.Errorf("sql: %w", err)
		}
		script = string(b)
	}
	if script == "" {
		if o.format == "parquet" {
			return usagef("sql: --format parquet needs -c or -f")
		}
		return m.sqlPrompt(ctx, s, o.format, o.out)
	}
	if o.format == "parquet" {
		return s.CopyParquet(ctx, script, o.out)
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
		if err := tabular.Write(&b, o.format, r.Table); err != nil {
			return err
		}
	}
	if o.out != "" {
		return writeFileAtomic(o.out, b.Bytes())
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
