package adhoc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"

	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/store"
)

// Shell is the interactive prompt of `zhuqi sql`: it reads statements that end with ";"
// (over as many lines as they take), runs each through Session and prints the results.
// An error is printed and the prompt goes on.
type Shell struct {
	Session *Session
	In      io.Reader // read line by line when not Interactive
	Stdout  io.Writer
	Stderr  io.Writer
	Format  string // table, csv or json
	// Interactive uses line editing and history (the terminal on standard input).
	Interactive bool
	// HistoryFile keeps the typed statements between sessions (Interactive only).
	HistoryFile string
	// Interrupts cancels the running statement when it receives (Ctrl-C): DuckDB
	// interrupts the query, the statement fails with ErrInterrupted and the prompt goes on.
	Interrupts <-chan os.Signal

	failed int
}

const shellHelp = `Statements end with ";" and may span lines. Ctrl-C cancels a running statement.
  .tables            tables and views
  .format F          table, csv or json
  .quit or Ctrl-D    leave
Macros: metrics('2026-10'), metrics_by('2026-10', 'region'), department_ranking('2026-10'),
region_ranking('2026-10'), cadre_ranking('2026-W42'). Examples: docs/sql.md.
`

// ErrStatementsFailed is returned by Run for input that is not interactive when a
// statement failed (each error was printed as it happened), so scripts see exit status 1.
var ErrStatementsFailed = errors.New("statements failed")

// Run reads and runs statements until end of input or .quit.
func (sh *Shell) Run(ctx context.Context) error {
	sh.failed = 0
	next, closeIn, err := sh.lines()
	if err != nil {
		return err
	}
	defer closeIn()
	if sh.Interactive {
		fmt.Fprintf(sh.Stderr, "zhuqi sql — %s (read-only). .help for help.\n", sh.Session.Path)
	}
	var buf strings.Builder
	for {
		prompt := "zhuqi> "
		if buf.Len() > 0 {
			prompt = "  ...> "
		}
		line, err := next(prompt)
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			buf.Reset()
			continue
		case errors.Is(err, io.EOF):
			if strings.TrimSpace(buf.String()) != "" {
				sh.run(ctx, buf.String())
			}
			return sh.result()
		case err != nil:
			return err
		}
		if buf.Len() == 0 {
			cmd := strings.Fields(line)
			if len(cmd) > 0 && (strings.HasPrefix(cmd[0], ".") || cmd[0] == `\q`) {
				if quit := sh.dot(ctx, cmd); quit {
					return sh.result()
				}
				continue
			}
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		if store.CompleteSQL(buf.String()) {
			sh.run(ctx, buf.String())
			buf.Reset()
		}
	}
}

// lines returns a function reading one line, with line editing when Interactive.
func (sh *Shell) lines() (func(prompt string) (string, error), func(), error) {
	if sh.Interactive {
		if sh.HistoryFile != "" {
			os.MkdirAll(filepath.Dir(sh.HistoryFile), 0o700)
		}
		rl, err := readline.NewEx(&readline.Config{
			Prompt:                 "zhuqi> ",
			HistoryFile:            sh.HistoryFile,
			DisableAutoSaveHistory: false,
			InterruptPrompt:        "^C",
			EOFPrompt:              ".quit",
		})
		if err != nil {
			return nil, nil, fmt.Errorf("sql prompt: %w", err)
		}
		return func(prompt string) (string, error) {
			rl.SetPrompt(prompt)
			return rl.Readline()
		}, func() { rl.Close() }, nil
	}
	sc := bufio.NewScanner(sh.In)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	return func(string) (string, error) {
		if sc.Scan() {
			return sc.Text(), nil
		}
		if err := sc.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}, func() {}, nil
}

// dot runs a dot command; it returns true to leave.
func (sh *Shell) dot(ctx context.Context, cmd []string) bool {
	switch cmd[0] {
	case ".quit", ".exit", `\q`:
		return true
	case ".help":
		fmt.Fprint(sh.Stderr, shellHelp)
	case ".tables":
		sh.run(ctx, `SELECT table_name AS name, lower(table_type) AS type FROM information_schema.tables
			WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY 1;`)
	case ".format":
		if len(cmd) == 2 && tabular.CheckFormat(cmd[1]) == nil {
			sh.Format = cmd[1]
		} else {
			fmt.Fprintln(sh.Stderr, "use .format table, .format csv or .format json")
		}
	default:
		fmt.Fprintf(sh.Stderr, "unknown command %s\n%s", cmd[0], shellHelp)
	}
	return false
}

// run runs script, cancelling it on an interrupt, and prints its results or its error.
func (sh *Shell) run(ctx context.Context, script string) {
	for drained := false; !drained; {
		select {
		case <-sh.Interrupts:
		default:
			drained = true
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-sh.Interrupts:
			cancel()
		case <-done:
		}
	}()
	results, err := sh.Session.Run(ctx, script)
	for _, r := range results {
		if r.Silent() {
			continue
		}
		if err := tabular.Write(sh.Stdout, sh.Format, r.Table); err != nil {
			fmt.Fprintln(sh.Stderr, "Error:", err)
			return
		}
		if sh.Format == "table" {
			fmt.Fprintf(sh.Stdout, "(%d 行 rows)\n\n", len(r.Table.Rows))
		}
	}
	if err != nil {
		sh.failed++
		fmt.Fprintln(sh.Stderr, "Error:", err)
	}
}

func (sh *Shell) result() error {
	if sh.failed > 0 && !sh.Interactive {
		return fmt.Errorf("%w: %d", ErrStatementsFailed, sh.failed)
	}
	return nil
}
