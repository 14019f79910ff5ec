// Package viber is MIA's Viber channel: the webhook the Viber REST Bot API
// calls, the jobs that turn citizens' messages into engine turns and send
// the replies, and a client for the Bot API (send_message, set_webhook,
// get_account_info).
//
// # Webhook
//
// POST /viber/{municipality} reads the raw body (at most Config.MaxBody,
// else 413), checks its HMAC-SHA256 signature (key: the municipality's
// token, Config.Tokens, read from the variable TokenEnv names) in
// constant time before any parsing (403 otherwise), and then:
//   - message: cleans the citizen's texts (assistant.CleanText: U+0000,
//     bidi overrides...), records (event, token, user) and keeps the
//     message in one statement (Store.KeepTurns), and answers; a
//     redelivery finds the record and keeps nothing. Concurrent callbacks
//     share statements (group commit), so a burst does not queue behind
//     one fsync each; a batch that fails is committed again one callback
//     at a time, so one bad message never fails another's. Each commit is
//     bounded by Config.EnqueueTimeout (503 past it, for Viber to
//     redeliver; a statement that timed out waiting may still commit, and
//     the redelivery then keeps nothing). Right after, off the answer's path, a TurnArgs job
//     naming each kept message is inserted in the transaction that marks
//     it queued (Store.QueueTurns), so none gets two; every process also
//     sweeps at start and every Config.QueueSweep for messages a stopped
//     process kept and did not queue.
//   - conversation_started: answers with the welcome message in the
//     response body (the greeting and the main services' keyboard).
//   - subscribed, unsubscribed: recorded with the user's subscription.
//   - delivered, seen, failed: recorded (failed is logged as a warning).
//   - webhook (Viber's check at set_webhook) and unknown events: 200.
//
// # Jobs
//
// Job arguments carry ids, never what a citizen wrote or is told: River
// keeps job rows after they finish. TurnArgs reads its message
// (Store.Incoming), downloads its media (Viber's links expire within an
// hour; only from Config.MediaHosts, Viber's own, redirects included),
// runs the engine with it, and keeps the reply and enqueues a SendArgs job
// naming it, deleting the message and completing itself in the same
// transaction (Store.CompleteTurn). The channel stores no media: a form
// keeps the cleaned copy it needs (forms.CleanMedia), a cancelled or
// expired form none. SendArgs sends the reply's messages in order,
// recording each part Viber accepted (Store.RecordSent) so a retry never
// repeats one (a crash between Viber's answer and that record is the only
// window for a duplicate), and deletes the reply once sent. The cleanup
// job (every CleanupInterval) deletes messages and replies whose jobs
// failed for good or were cancelled (a message not yet queued is kept). Rate limiting (status 12) and other failures are retried
// with backoff (Config.RetryBackoff, doubled per attempt, at most an
// hour); a receiver not subscribed (6) or not on Viber (5) is marked
// unsubscribed and the job is cancelled without retry.
//
// Citations are appended to the text as "Izvori:" lines (title and URL),
// not sent as separate url messages: one message per answer keeps the
// order of delivery and spends less of the 100-messages-per-hour budget.
// Texts over 6,800 characters are split at paragraph or sentence ends;
// the keyboard (the reply's buttons, a location picker and a phone
// sharing button, min_api_version 3; the last two are left out for users
// whose devices are older) goes on the last part.
//
// # Notifications
//
// Notifier sends the city's notifications (a case's new status) on
// Viber; channels/notify uses it as the Viber channel's sender.
//
// # Wiring
//
//	queue.Migrate(ctx, db.Pool)                  // River's tables, after postgres.Migrate
//	cfg := viber.Config{Store: viberstore.New(db, nil), Municipalities: reg, Engine: engine,
//		Tokens: tokens, APIURL: apiURL, Log: log}
//	workers := river.NewWorkers()
//	viber.RegisterWorkers(workers, cfg)
//	client, _ := queue.NewClient(db.Pool, workers, queue.Config{PeriodicJobs: viber.PeriodicJobs(), Log: log})
//	cfg.Store = viberstore.New(db, client)        // the webhook's store inserts turn jobs
//	bot, _ := viber.New(cfg)                     // mount bot.Routes
//	client.Start(ctx)
//	// on shutdown: HTTP server first, then bot.Close(), then client.Stop(ctx)
package viber
