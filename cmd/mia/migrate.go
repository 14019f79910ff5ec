package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("migrate", e)
	var c common
	c.register(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	reg, err := c.registry()
	if err != nil {
		return err
	}
	db, err := c.open(ctx, reg, c.logger(e.stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(e.stdout, "database schema is up to date")
	return nil
}
