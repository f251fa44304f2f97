// Command zhuqi is the Zhuqi (助企) pipeline: it ingests enterprise-service ticket
// exports into DuckDB and computes the rates, growth and rankings the offices publish.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	os.Exit(exitCode(err))
}

func exitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		fmt.Fprintf(os.Stderr, "zhuqi: %v\n", err)
		return 2
	default:
		fmt.Fprintf(os.Stderr, "zhuqi: %v\n", err)
		return 1
	}
}
