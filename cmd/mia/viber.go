package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/miasrbija/mia/channels/viber"
)

// runViber administers a municipality's Viber bot through the Bot API:
// set-webhook points its callbacks at MIA, account shows its details.
// Neither touches the database.
func runViber(ctx context.Context, e *env, args []string) error {
	usage := "Usage: mia viber set-webhook --url URL [--municipality SLUG] [--viber-api-url URL] [--json]\n" +
		"       mia viber account [--municipality SLUG] [--viber-api-url URL] [--json]\n\n" +
		"The bot token is read from the municipality's viber_token_env variable (default " + viber.DefaultTokenEnv + ").\n"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(e.stderr, usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return nil
		}
		return usageError{"give a subcommand: set-webhook or account"}
	}
	sub, args := args[0], args[1:]
	if sub != "set-webhook" && sub != "account" {
		fmt.Fprint(e.stderr, usage)
		return usageError{fmt.Sprintf("unknown viber subcommand %q", sub)}
	}
	fs := newFlagSet("viber "+sub, e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage+"\n")
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipalities, setMunicipality, setViberAPIURL})
	hook := fs.String("url", "", "set-webhook: the public HTTPS URL of MIA's webhook, e.g. https://mia.example.rs/viber/sombor (empty with --remove)")
	remove := fs.Bool("remove", false, "set-webhook: remove the webhook")
	sendName := fs.Bool("send-name", true, "set-webhook: ask Viber to send users' names (shown only when users allow it)")
	sendPhoto := fs.Bool("send-photo", false, "set-webhook: ask Viber to send users' avatars (MIA does not use them)")
	asJSON := fs.Bool("json", false, "print the API's answer as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	_, m, err := c.resolve(e)
	if err != nil {
		return err
	}
	token := c.ViberTokens[m.Slug]
	if token == "" {
		// Tokens are secrets: environment only, never a flag.
		return fmt.Errorf("configuration: %s is missing: expected the Viber bot token of %s (environment only)", viber.TokenEnv(m), m.Slug)
	}
	client := viber.NewClient(c.ViberAPIURL, token)
	out := newPrinter(e.stdout, *asJSON)

	switch sub {
	case "set-webhook":
		if *remove == (*hook != "") {
			fs.Usage()
			return usageError{"give exactly one of --url URL or --remove"}
		}
		if *hook != "" {
			u, err := url.Parse(*hook)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				return usageError{"--url: expected a public https URL (Viber refuses http and self-signed certificates)"}
			}
			if !strings.HasSuffix(u.Path, "/viber/"+m.Slug) {
				fmt.Fprintf(e.stderr, "warning: MIA serves %s's webhook at /viber/%s; %s does not end so\n", m.Slug, m.Slug, *hook)
			}
		}
		req := viber.WebhookRequest{URL: *hook, EventTypes: viber.WebhookEventTypes, SendName: *sendName, SendPhoto: *sendPhoto}
		res, err := client.SetWebhook(ctx, req)
		if err != nil {
			return err
		}
		if *remove {
			return out.message(res, "webhook of %s removed\n", m.Slug)
		}
		return out.message(res, "webhook of %s set to %s\nevent types: %s\n", m.Slug, *hook, strings.Join(res.EventTypes, ", "))
	default:
		acc, err := client.AccountInfo(ctx)
		if err != nil {
			return err
		}
		return out.message(acc, "account:     %s (%s)\nuri:         %s\nwebhook:     %s\nevents:      %s\nsubscribers: %d\n",
			acc.Name, acc.ID, acc.URI, acc.Webhook, strings.Join(acc.EventTypes, ", "), acc.SubscribersCount)
	}
}
