package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/zhuqi/zhuqi/adhoc"
)

func (m *Main) runSchema(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("schema: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := m.loadConfig(&c)
	if err != nil {
		return err
	}
	s := &adhoc.Session{Path: m.dbPath(&c, cfg)}
	text, err := s.Schema(ctx)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	_, err = fmt.Fprint(m.Stdout, text)
	return err
}
