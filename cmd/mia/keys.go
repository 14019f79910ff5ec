package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/postgres/casestore"
)

const keysUsage = `Usage: mia keys status
       mia keys rotate [--batch N] [--dry-run]

status counts the encrypted values each data key still seals.
rotate seals every encrypted value again with the current key
(MIA_DATA_KEY), reading old ones with MIA_DATA_KEYS_OLD, in batches of
one transaction each; it is safe to interrupt and to run again.
When status shows nothing left under an old key, that key can be removed
from MIA_DATA_KEYS_OLD.
`

// runKeys reports and rotates the data keys personal data is sealed with.
func runKeys(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(e.stderr, keysUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return nil
		}
		return usageError{"give a subcommand: status or rotate"}
	}
	sub := args[0]
	if sub != "status" && sub != "rotate" {
		fmt.Fprint(e.stderr, keysUsage)
		return usageError{fmt.Sprintf("unknown keys subcommand %q", sub)}
	}
	fs := newFlagSet("keys "+sub, e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), keysUsage+"\n")
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, commonSettings, keySettings)
	opt := forms.RotateOptions{DryRun: sub == "status"}
	if sub == "rotate" {
		fs.IntVar(&opt.Batch, "batch", forms.DefaultRotateBatch, "rows per transaction")
		fs.BoolVar(&opt.DryRun, "dry-run", false, "count what would be sealed again; write nothing")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if opt.Batch < 0 {
		return usageError{"--batch must be positive"}
	}
	c, err := cf.load()
	if err == nil && c.DataKey == "" {
		err = configError{setDataKey, "the current data key: `mia keys` works on the configured keys", ""}
	}
	if err != nil {
		return err
	}
	if _, _, err := c.resolve(e); err != nil {
		return err
	}
	crypt, err := c.crypter(c.logger(io.Discard))
	if err != nil {
		return err
	}
	db, err := c.openDB(ctx, c.logger(e.stderr), false)
	if err != nil {
		return err
	}
	defer db.Close()
	store := casestore.New(db)

	if !opt.DryRun {
		opt.Progress = func(set string, n int64) { fmt.Fprintf(e.stderr, "%s: %d sealed again so far\n", set, n) }
	}
	r, err := forms.RotateKeys(ctx, store, crypt, opt)
	if err != nil {
		return err
	}
	if opt.DryRun {
		printKeyReport(e.stdout, r, "would seal again", true)
		return nil
	}
	fmt.Fprintln(e.stdout, "Before the rotation:")
	printKeyReport(e.stdout, r, "sealed again", false)
	// Count afresh: what the operator needs is what is left.
	after, err := forms.RotateKeys(ctx, store, crypt, forms.RotateOptions{DryRun: true})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\nAfter the rotation:")
	printKeyReport(e.stdout, after, "", true)
	return nil
}

// printKeyReport writes a report as a table: a row per key id, a column
// per encrypted column, then, with verdict, whether old keys are still
// needed.
func printKeyReport(w io.Writer, r *forms.KeyReport, resealedLabel string, verdict bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "KEY\tROLE")
	for _, s := range r.Sets {
		fmt.Fprintf(tw, "\t%s", s.Set)
	}
	fmt.Fprintln(tw, "\tTOTAL")
	for _, id := range r.KeyIDs() {
		fmt.Fprintf(tw, "%s\t%s", id, keyRole(r, id))
		var total int64
		for _, s := range r.Sets {
			fmt.Fprintf(tw, "\t%d", s.ByKey[id])
			total += s.ByKey[id]
		}
		fmt.Fprintf(tw, "\t%d\n", total)
	}
	var resealed, unreadable int64
	for _, s := range r.Sets {
		resealed += s.Resealed
		unreadable += s.Unreadable
	}
	tw.Flush()
	if resealedLabel != "" {
		fmt.Fprintf(w, "%s: %d of %d values\n", resealedLabel, resealed, r.Total())
	}
	if unreadable > 0 {
		fmt.Fprintf(w, "unreadable: %d values open with no configured key (a removed key, or altered data); they stay as they are, and a draft holding one is discarded when the citizen writes next\n", unreadable)
	}
	if !verdict {
		return
	}
	if pending := r.Pending() - unreadable; pending > 0 {
		fmt.Fprintf(w, "%d values still need an old key: run `mia keys rotate` before removing any key from %s\n", pending, forms.OldKeysEnv)
	} else {
		fmt.Fprintf(w, "every readable value is sealed with the current key %s: %s can be emptied\n", r.Current, forms.OldKeysEnv)
	}
}

func keyRole(r *forms.KeyReport, id string) string {
	switch {
	case id == r.Current:
		return "current"
	case id == forms.LegacyKeyID:
		return "no key id (first format)"
	}
	for _, o := range r.Old {
		if o == id {
			return "old"
		}
	}
	return "not configured"
}

// sameKey reports whether two base64 keys are the same key (however
// they are padded or spaced).
func sameKey(a, b string) bool {
	ra, errA := base64.StdEncoding.DecodeString(strings.TrimSpace(a))
	rb, errB := base64.StdEncoding.DecodeString(strings.TrimSpace(b))
	return errors.Join(errA, errB) == nil && bytes.Equal(ra, rb)
}
