package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/channels/notify"
	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/crawl"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/feedbackstore"
	"github.com/miasrbija/mia/postgres/handoverstore"
	"github.com/miasrbija/mia/postgres/staffstore"
	"github.com/miasrbija/mia/postgres/viberstore"
	"github.com/miasrbija/mia/queue"
	"github.com/miasrbija/mia/retention"
	"github.com/miasrbija/mia/server"
	"github.com/riverqueue/river"
)

// Roles split a deployment: web replicas answer HTTP and only enqueue
// jobs; worker replicas run the jobs and serve health and metrics only.
const (
	roleAll    = "all"
	roleWeb    = "web"
	roleWorker = "worker"
)

// The per-IP limit of POST /viber/{municipality}: 1,000 requests a second,
// bursts of 2,000. Viber's whole load (500/s at most, measured in
// channels/viber's BenchmarkWebhookAck) passes even from one address.
const (
	viberPerIPRate  = 1000
	viberPerIPBurst = 2000
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("serve", e)
	cf := bindConfig(fs, e, []*setting{setAddr, setMetricsAddr, setHSTS, setPublicURL, setRole, setTrustedProxies, setInsecureCookies, setMigrate,
		setViberAPIURL, setUploadDir, setUploadMemory, setCrawlDelay, setDraftTTL, setRedisURL, setConcurrentTurns},
		commonSettings, engineSettings)
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Every setting is checked before anything is touched: a wrong value
	// must not leave a half-migrated database behind.
	c, err := cf.load()
	if err != nil {
		return err
	}
	reg, _, err := c.resolve(e)
	if err != nil {
		return err
	}
	log := c.logger(e.stdout)
	crypt, err := c.crypter(log)
	if err != nil {
		return err
	}
	db, err := c.openDB(ctx, log, c.Migrate)
	if err != nil {
		return err
	}
	defer db.Close()

	engine, services, err := newEngine(c, db, reg, crypt, log)
	if err != nil {
		return err
	}
	// Rate limits are counted where every replica sees them.
	limiter, closeLimiter, err := c.limiter(ctx, db, log)
	if err != nil {
		return err
	}
	defer closeLimiter()
	conversations := convstore.New(db)
	votes := feedbackstore.New(db) // 👍/👎 on answers and the knowledge gaps
	handovers := handoverstore.New(db)
	go handovers.Listen(ctx, log) // wakes the widgets' live streams
	chat, err := web.New(web.Config{Municipalities: reg, Assistant: engine, History: conversations,
		Documents: docstore.New(db), Limiter: limiter, Log: log, TurnTimeout: turnTimeout(c.TurnBudget), PublicOrigins: c.publicOrigins(),
		UploadDir: c.UploadDir, UploadMemory: c.UploadMemory, Feedback: votes, Live: handovers, LiveDone: ctx.Done(), Cases: services})
	if err != nil {
		return err
	}

	// Durable work (Viber turns and sends, case notifications) runs as
	// River jobs in PostgreSQL, so a restart loses none of it.
	vcfg := viber.Config{Store: viberstore.New(db, nil), Municipalities: reg, Engine: engine, Tokens: c.ViberTokens,
		APIURL: c.ViberAPIURL, Log: log, Feedback: votes}
	viberNotifier, err := viber.NewNotifier(vcfg, conversations)
	if err != nil {
		return err
	}
	ncfg := notify.Config{Outbox: casestore.New(db), Senders: map[string]notify.Sender{
		string(assistant.ChannelWeb):   notify.ConversationSender{Notices: conversations, Channel: assistant.ChannelWeb},
		string(assistant.ChannelViber): viberNotifier,
		string(assistant.ChannelCLI):   notify.Discard{},
	}, Log: log}
	handoverSender, err := viber.NewHandoverSender(vcfg)
	if err != nil {
		return err
	}
	staffChats, err := handover.NewService(handover.Config{Store: handovers, Municipalities: reg, Log: log,
		Senders: map[string]handover.ChannelSender{string(assistant.ChannelViber): handoverSender}})
	if err != nil {
		return err
	}
	workers := river.NewWorkers()
	if err := handover.RegisterWorkers(workers, staffChats); err != nil {
		return err
	}
	if err := viber.RegisterWorkers(workers, vcfg); err != nil {
		return err
	}
	if err := notify.RegisterWorkers(workers, ncfg); err != nil {
		return err
	}
	rcfg := retention.Config{Forms: services, Municipalities: reg, Log: log}
	if err := retention.RegisterWorkers(workers, rcfg); err != nil {
		return err
	}
	// The municipalities' web-site sources are re-crawled on their
	// schedules, one run at a time per source.
	crawls, err := crawlJobConfig(c, db, reg, log)
	if err != nil {
		return err
	}
	if err := crawl.RegisterWorkers(workers, crawls); err != nil {
		return err
	}
	if c.Role == roleWeb {
		workers = nil // an insert-only client: worker replicas run the jobs
	}
	jobs, err := queue.NewClient(db.Pool, workers, queue.Config{
		PeriodicJobs: slices.Concat(viber.PeriodicJobs(), notify.PeriodicJobs(ncfg), retention.PeriodicJobs(rcfg), crawl.PeriodicJobs(reg),
			handover.PeriodicJobs()),
		// A Viber turn job runs a whole engine turn: its attempt must
		// outlast the turn budget, and stuck-job rescue follows it.
		JobTimeout: max(queue.DefaultJobTimeout, c.TurnBudget+60*time.Second),
		Log:        log})
	if err != nil {
		return err
	}
	vcfg.Store = viberstore.New(db, jobs) // the webhook's store inserts turn jobs
	bot, err := viber.New(vcfg)
	if err != nil {
		return err
	}
	defer bot.Close()

	office := backoffice.New(backoffice.Config{Store: staffstore.New(db), Limiter: limiter, Forms: services, Usage: readUsage{db},
		Municipalities: reg, Log: log, InsecureCookies: c.InsecureCookies, Crawl: readCrawlRuns{db},
		Feedback: votes, Handovers: staffChats})
	mount := func(r chi.Router) {
		chat.Routes(r)
		// Viber's own servers send every callback, from a few addresses,
		// up to 500 a second in all: the per-IP limit is far above that
		// and only stops one client from flooding the signature check.
		r.Group(func(r chi.Router) {
			r.Use(server.LimitPerIP(viberPerIPRate, viberPerIPBurst))
			bot.Routes(r)
		})
		office.Routes(r)
	}
	if c.Role == roleWorker {
		mount = nil
	}
	srv := server.New(server.Config{Addr: c.Addr, MetricsAddr: c.MetricsAddr, HSTS: c.HSTS, DB: db, Logger: log,
		Mount: mount, TrustedProxies: c.TrustedProxies})
	srv.Registry().MustRegister(chat.Metrics())
	registerReadMetrics(srv.Registry(), db)
	if err := srv.Listen(); err != nil {
		return err
	}
	if err := c.announce(ctx, e, srv.Addr(), srv.MetricsAddr(), staffstore.New(db), log); err != nil {
		return err
	}
	// Cancelling Start's context stops workers hard; they are stopped
	// gracefully below, after the HTTP server has drained.
	if c.Role == roleWeb {
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

// turnTimeout bounds a web turn that outlives its request: the model's
// budget plus room for retrieval, the offline fallback and storing the
// reply. 0 leaves the web channel's default.
func turnTimeout(budget time.Duration) time.Duration {
	if budget == 0 {
		return 0
	}
	return budget + 10*time.Second
}
