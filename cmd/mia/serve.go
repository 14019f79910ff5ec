package main

import (
	"context"
	"errors"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/server"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("serve", e)
	var c common
	c.register(fs, e)
	addr := fs.String(setAddr.flag, envOr(e, setAddr.env, "127.0.0.1:8080"), "listen address HOST:PORT")
	if err := fs.Parse(args); err != nil {
		return err
	}
	err := c.validate()
	if !validAddr(*addr) {
		err = errors.Join(err, configError{setAddr, "HOST:PORT such as 127.0.0.1:8080", *addr})
	}
	if err != nil {
		return err
	}
	reg, err := c.registry()
	if err != nil {
		return err
	}
	log := c.logger(e.stdout)
	db, err := c.open(ctx, reg, log)
	if err != nil {
		return err
	}
	defer db.Close()

	engine, err := newEngine(e, db, reg, log)
	if err != nil {
		return err
	}
	chat, err := web.New(web.Config{Municipalities: reg, Assistant: engine, History: assistant.NewMemory(db),
		Documents: rag.NewStore(db), Log: log})
	if err != nil {
		return err
	}
	srv := server.New(server.Config{Addr: *addr, DB: db, Logger: log, Mount: chat.Routes})
	if err := srv.Listen(); err != nil {
		return err
	}
	return srv.Serve(ctx)
}
