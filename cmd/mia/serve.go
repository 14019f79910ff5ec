package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/channels/notify"
	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/queue"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/server"
	"github.com/riverqueue/river"
)

var (
	setInsecureCookies = setting{"MIA_INSECURE_COOKIES", "insecure-cookies"}
	setRole            = setting{"MIA_ROLE", "role"}
	setTrustedProxies  = setting{"MIA_TRUSTED_PROXIES", "trusted-proxies"}
)

// Roles split a deployment: web replicas answer HTTP and only enqueue
// jobs; worker replicas run the jobs and serve health and metrics only.
const (
	roleAll    = "all"
	roleWeb    = "web"
	roleWorker = "worker"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("serve", e)
	var c common
	c.register(fs, e)
	addr := fs.String(setAddr.flag, envOr(e, setAddr.env, "127.0.0.1:8080"), "listen address HOST:PORT")
	insecureCookies := fs.String(setInsecureCookies.flag, envOr(e, setInsecureCookies.env, "false"),
		"send staff session cookies over plain HTTP (true only for local http:// use)")
	proxies := fs.String(setTrustedProxies.flag, e.getenv(setTrustedProxies.env),
		"reverse proxies whose X-Forwarded-For is believed, as CIDRs or addresses (e.g. 10.0.0.0/8)")
	role := fs.String(setRole.flag, envOr(e, setRole.env, roleAll),
		"what this replica does: all, web (HTTP, enqueues jobs) or worker (runs jobs; health and metrics only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	err := c.validate()
	if !validAddr(*addr) {
		err = errors.Join(err, configError{setAddr, "HOST:PORT such as 127.0.0.1:8080", *addr})
	}
	insecure, perr := strconv.ParseBool(*insecureCookies)
	if perr != nil {
		err = errors.Join(err, configError{setInsecureCookies, "true or false", *insecureCookies})
	}
	trusted, perr := server.ParseProxies(*proxies)
	if perr != nil {
		err = errors.Join(err, configError{setTrustedProxies, "comma-separated CIDR prefixes or addresses", *proxies})
	}
	if *role != roleAll && *role != roleWeb && *role != roleWorker {
		err = errors.Join(err, configError{setRole, "all, web or worker", *role})
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

	engine, services, err := newEngine(e, db, reg, log)
	if err != nil {
		return err
	}
	chat, err := web.New(web.Config{Municipalities: reg, Assistant: engine, History: assistant.NewMemory(db),
		Documents: rag.NewStore(db), Log: log})
	if err != nil {
		return err
	}

	// Durable work (Viber turns and sends, case notifications) runs as
	// River jobs in PostgreSQL, so a restart loses none of it.
	vcfg := viber.Config{DB: db.Pool, Municipalities: reg, Engine: engine, Getenv: e.getenv,
		APIURL: envOr(e, setViberAPIURL.env, viber.DefaultAPIURL), Log: log}
	ncfg := notify.Config{DB: db, Municipalities: reg, Memory: assistant.NewMemory(db), ViberAPIURL: vcfg.APIURL,
		Getenv: e.getenv, Log: log}
	workers := river.NewWorkers()
	if err := viber.RegisterWorkers(workers, vcfg); err != nil {
		return err
	}
	if err := notify.RegisterWorkers(workers, ncfg); err != nil {
		return err
	}
	if *role == roleWeb {
		workers = nil // an insert-only client: worker replicas run the jobs
	}
	jobs, err := queue.NewClient(db.Pool, workers, queue.Config{
		PeriodicJobs: append(viber.PeriodicJobs(), notify.PeriodicJobs(ncfg)...), Log: log})
	if err != nil {
		return err
	}
	vcfg.Queue = jobs
	bot, err := viber.New(vcfg)
	if err != nil {
		return err
	}
	defer bot.Close()

	office := backoffice.New(backoffice.Config{DB: db, Forms: services, Municipalities: reg, Log: log,
		InsecureCookies: insecure})
	mount := func(r chi.Router) {
		chat.Routes(r)
		bot.Routes(r)
		office.Routes(r)
	}
	if *role == roleWorker {
		mount = nil
	}
	srv := server.New(server.Config{Addr: *addr, DB: db, Logger: log, Mount: mount, TrustedProxies: trusted})
	if err := srv.Listen(); err != nil {
		return err
	}
	// Cancelling Start's context stops workers hard; they are stopped
	// gracefully below, after the HTTP server has drained.
	if *role == roleWeb {
		return srv.Serve(ctx)
	}
	if err := jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	serveErr := srv.Serve(ctx)
	stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := jobs.Stop(stopCtx); err != nil {
		log.Warn("job queue did not stop cleanly", "err", err)
	}
	return serveErr
}
