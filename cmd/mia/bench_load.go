package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/miasrbija/mia/bench/country"
	"github.com/miasrbija/mia/bench/loadgen"
	"github.com/miasrbija/mia/municipality"
)

func runBenchLoad(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("bench load", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: mia bench load --target URL [--target URL…] [flags]

Offers a mixed load to running MIA replicas at fixed rates (open loop: a slow server does not lower them) and
prints throughput, acknowledgement / first text / completion latencies per kind, errors, and the CPU and RSS of
the processes named. Web citizens appear behind a proxy (X-Forwarded-For 10.x.y.z): start the servers with
MIA_TRUSTED_PROXIES=127.0.0.1/32. Viber callbacks are signed with MIA_BENCH_VIBER_TOKEN (or MIA_VIBER_TOKEN);
with --viber-sink the generator is also the Viber Bot API (point the servers' MIA_VIBER_API_URL at it) and
measures when each reply is sent.

`)
		fs.PrintDefaults()
	}
	var targets []string
	fs.Func("target", "base URL of a MIA replica (repeatable, or comma-separated); work is spread over them in turn", func(v string) error {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimRight(strings.TrimSpace(t), "/"); t != "" {
				targets = append(targets, t)
			}
		}
		return nil
	})
	file := fs.String("municipalities", "", "municipalities file the servers load (default: the embedded one); traffic is skewed to the first")
	var cfg loadgen.Config
	fs.Float64Var(&cfg.WebRate, "web-rate", 20, "web questions per second")
	fs.Float64Var(&cfg.StatusRate, "status-rate", 1, "case status questions per second")
	fs.Float64Var(&cfg.FormRate, "form-rate", 0.2, "communal reports started per second")
	fs.Float64Var(&cfg.ViberRate, "viber-rate", 5, "Viber message callbacks per second")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long to offer load")
	fs.DurationVar(&cfg.Drain, "drain", 30*time.Second, "how long replies are awaited after the last arrival")
	fs.DurationVar(&cfg.ThinkTime, "think-time", 3*time.Second, "pause between a report's steps")
	fs.IntVar(&cfg.MaxInFlight, "max-in-flight", 4096, "work waiting on the servers beyond which arrivals are dropped (and counted)")
	fs.StringVar(&cfg.ViberSink, "viber-sink", "", "listen address of the Viber Bot API stand-in, e.g. 127.0.0.1:9091")
	questions := fs.String("questions", "eval/datasets/sombor/dev.yaml,eval/datasets/laktasi/dev.yaml", "dataset files whose questions citizens ask")
	pids := fs.String("pids", "", "server PIDs whose CPU and RSS to report, comma-separated")
	names := fs.String("process-names", "postgres", "also report every process of these command names together, comma-separated")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(targets) == 0 {
		fs.Usage()
		return usageError{"give at least one --target"}
	}
	reg, err := loadRegistry(*file)
	if err != nil {
		return err
	}
	if cfg.Towns, err = loadgen.TownsOf(reg); err != nil {
		return err
	}
	if cfg.Questions, err = loadgen.Questions(strings.Split(*questions, ",")...); err != nil {
		return err
	}
	for _, p := range strings.Split(*pids, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return usageError{fmt.Sprintf("--pids: %q is not a PID", p)}
		}
		cfg.PIDs = append(cfg.PIDs, n)
	}
	for _, n := range strings.Split(*names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			cfg.ProcessNames = append(cfg.ProcessNames, n)
		}
	}
	cfg.Targets = targets
	cfg.ViberToken = cmp.Or(e.getenv(country.ViberTokenEnv), e.getenv("MIA_VIBER_TOKEN"))
	cfg.SinkReady = func(url string) { fmt.Fprintf(e.stderr, "Viber Bot API stand-in on %s\n", url) }
	rep, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.Print(e.stdout)
	return nil
}

func loadRegistry(path string) (*municipality.Registry, error) {
	if path == "" {
		return municipality.Parse(municipality.DefaultFile())
	}
	return municipality.Load(path)
}
