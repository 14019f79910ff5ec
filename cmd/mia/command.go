package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// command is one subcommand of mia.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what every command gets: its output streams and the process
// environment, injected so tests run commands in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "serve the web chat, API, health and metrics", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"ingest", "load documents into the knowledge base (--list, --remove, --reembed)", runIngest},
		{"search", "search the knowledge base as the assistant does", runSearch},
		{"ask", "ask one question through the whole conversation engine", runAsk},
		{"eval", "measure answer quality on a dataset", runEval},
		{"viber", "Viber bot administration: set-webhook, account", runViber},
		{"staff", "manage staff accounts (staff add)", runStaff},
		{"municipality", "add a municipality to the municipalities file (init, add, list)", runMunicipality},
		{"keys", "data keys of personal data: status, rotate", runKeys},
		{"bench", "benchmarks: gen (country-scale data set), load (load generator)", runBench},
	}
}

// usageError marks a wrong invocation: exit status 2, like flag's.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runWithEnv(ctx, args, &env{stdout: stdout, stderr: stderr, getenv: os.Getenv})
}

func runWithEnv(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 || slices.Contains([]string{"help", "-h", "--help", "-help"}, args[0]) {
		if len(args) > 1 {
			return runWithEnv(ctx, []string{args[1], "-h"}, e)
		}
		printUsage(e.stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, e, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	printUsage(e.stderr)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func printUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("mia — the municipal assistant.\n\nUsage: mia COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-12s %s\n", c.name, c.summary)
	}
	b.WriteString("  help         show this text; `mia help COMMAND` shows a command's flags\n")
	b.WriteString("\nSettings come from flags or MIA_* environment variables (see README.md).\n")
	io.WriteString(w, b.String())
}

func newFlagSet(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("mia "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}
