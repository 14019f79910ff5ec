package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/miasrbija/mia/assistant"
)

func runAsk(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("ask", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: mia ask [flags] QUESTION\n\nOne turn through the whole engine, as a citizen would ask it (offline unless MIA_LLM_* is set).\n\n")
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipality}, commonSettings, engineSettings)
	user := fs.String("user", "cli", "conversation user id: the same id continues a conversation")
	asJSON := fs.Bool("json", false, "print the reply as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if question == "" {
		fs.Usage()
		return usageError{"give a QUESTION"}
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	reg, m, err := c.resolve(e)
	if err != nil {
		return err
	}
	db, eng, err := c.openEngine(ctx, e, reg)
	if err != nil {
		return err
	}
	defer db.Close()
	turn := assistant.Turn{Municipality: m.Slug, Channel: assistant.ChannelCLI, UserID: *user, Text: question}
	var emit func(assistant.Event)
	if !*asJSON {
		// Stream deltas as they come; a replacement starts a new paragraph.
		emit = func(ev assistant.Event) {
			switch ev.Kind {
			case assistant.EventDelta:
				io.WriteString(e.stdout, ev.Text)
			case assistant.EventReplace:
				fmt.Fprintf(e.stdout, "\n---\n%s", ev.Text)
			}
		}
	}
	reply, err := eng.Handle(ctx, turn, emit)
	if err != nil {
		return err
	}
	if *asJSON {
		return newPrinter(e.stdout, true).encode(reply)
	}
	fmt.Fprintln(e.stdout)
	for _, ct := range reply.Citations {
		src := ct.Source
		if ct.URL != "" {
			src = ct.URL
		}
		if !ct.UpdatedAt.IsZero() {
			src += " (" + m.Say("izmenjeno") + ct.UpdatedAt.Local().Format(" 2. 1. 2006.)")
		}
		fmt.Fprintf(e.stdout, "[%d] %s — %s\n", ct.N, ct.Title, src)
	}
	for _, q := range reply.QuickReplies {
		fmt.Fprintf(e.stdout, "  ( %s )", q.Label)
	}
	if len(reply.QuickReplies) > 0 {
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintf(e.stdout, "— %s, %s, %d ms\n", reply.Route, reply.Status, reply.Latency.Milliseconds())
	return nil
}
