// Command mia is the one binary of MIA, the municipal assistant: it serves
// the web chat and Viber, ingests the city's documents, searches and
// answers from them, and migrates the database. Run `mia help` for the list.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The first SIGINT/SIGTERM cancels ctx and lets work finish gracefully;
	// stop() restores the default so a second signal kills at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mia:", err)
		os.Exit(exitCode(err))
	}
}
