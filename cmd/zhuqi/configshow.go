package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func (m *Main) configCommand() *cobra.Command {
	cmd := parentCommand("config", "the effective configuration", `  zhuqi config show --config zhuqi.toml`)
	cmd.AddCommand(m.configShowCommand())
	return cmd
}

type configShowOptions struct{ common }

func (m *Main) configShowCommand() *cobra.Command {
	var o configShowOptions
	cmd := &cobra.Command{
		Use:   "show [--config F]",
		Short: "print the effective configuration as TOML (secrets masked)",
		Example: `  zhuqi config show
  zhuqi config show --config zhuqi.yaml > zhuqi.toml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return m.configShow(cmd.Context(), &o) },
	}
	o.register(cmd, false)
	return cmd
}

// configShow prints the configuration the commands use, with the webhook's token hidden.
func (m *Main) configShow(_ context.Context, o *configShowOptions) error {
	cfg, err := m.loadConfig(&o.common)
	if err != nil {
		return err
	}
	out, err := cfg.Masked().TOML()
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
