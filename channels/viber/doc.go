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
//   - message: records (event, token, user) and inserts a TurnArgs job in
//     the same transaction (Store.EnqueueTurns); a redelivery finds the
//     record and inserts nothing. Concurrent callbacks share transactions
//     (group commit), so a burst does not queue behind one fsync each;
//     each commit is bounded by Config.EnqueueTimeout (503 past it, for
//     Viber to redeliver).
//   - conversation_started: answers with the welcome message in the
//     response body (the greeting and the main services' keyboard).
//   - subscribed, unsubscribed: recorded with the user's subscription.
//   - delivered, seen, failed: recorded (failed is logged as a warning).
//   - webhook (Viber's check at set_webhook) and unknown events: 200.
//
// # Jobs
//
// TurnArgs downloads media (Viber's links expire within an hour) into
// the Store (Store.SaveMedia), with its type sniffed from the bytes, runs
// the engine, and enqueues a SendArgs job with the reply's messages,
// completing itself in the same transaction (Store.CompleteTurn). SendArgs
// sends them in order, recording each part Viber accepted
// (Store.RecordSent) so a retry never repeats one (a crash
// between Viber's answer and that record is the only window for a
// duplicate). Rate limiting (status 12) and other failures are retried
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
