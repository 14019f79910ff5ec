package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("migrate", e)
	cf := bindConfig(fs, e, commonSettings)
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	if _, _, err := c.resolve(e); err != nil {
		return err
	}
	db, err := c.openDB(ctx, c.logger(e.stderr), true)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(e.stdout, "database schema is up to date")
	return nil
}
