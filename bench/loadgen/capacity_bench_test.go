package loadgen_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/bench/loadgen"
	"github.com/miasrbija/mia/llm/testserver"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// BenchmarkCapacity measures the turn ceiling of real `mia serve`
// processes behind the load generator, offline and in model mode (the
// scripted model server answering every call with a streamed answer,
// MIA_CAPACITY_TOKEN_DELAY per word, 20ms by default), for one `all`
// process and for two web replicas and a worker. Web questions are
// offered above capacity with at most 32 waiting (a saturated server:
// its completions per second are the ceiling); then, at that ceiling,
// Viber callbacks at 500 per second, whose acknowledgement is measured.
//
// MIA_CAPACITY_URL names a database with the demo corpora ingested; by
// default a test database is made and `mia ingest` loads them.
// MIA_CAPACITY_DURATION sets each run's length (20s).
func BenchmarkCapacity(b *testing.B) {
	bin := buildMIA(b)
	dbURL := os.Getenv("MIA_CAPACITY_URL")
	if dbURL == "" {
		_, dbURL = pgtest.NewDB(b)
		for _, m := range []string{"sombor", "laktasi"} {
			run(b, bin, []string{"DATABASE_URL=" + dbURL}, "ingest", "--municipality", m, "../../corpus/"+m)
		}
	}
	dur := 20 * time.Second
	if v := os.Getenv("MIA_CAPACITY_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		dur = d
	}
	delay := 20 * time.Millisecond
	if v := os.Getenv("MIA_CAPACITY_TOKEN_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		delay = d
	}
	reg, err := municipality.Parse(municipality.DefaultFile())
	if err != nil {
		b.Fatal(err)
	}
	towns, err := loadgen.TownsOf(reg)
	if err != nil {
		b.Fatal(err)
	}
	questions, err := loadgen.Questions("../../eval/datasets/sombor/dev.yaml", "../../eval/datasets/laktasi/dev.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"offline", "model"} {
		for _, topo := range []string{"all", "web2+worker"} {
			b.Run(mode+"/"+topo, func(b *testing.B) {
				sink := freeAddr(b)
				env := []string{"DATABASE_URL=" + dbURL, "MIA_TRUSTED_PROXIES=127.0.0.1/32", "MIA_LOG_LEVEL=error",
					"MIA_VIBER_TOKEN=bench", "MIA_VIBER_TOKEN_LAKTASI=bench", "MIA_VIBER_API_URL=http://" + sink}
				if mode == "model" {
					env = append(env, "MIA_LLM_BASE_URL="+modelServer(b, delay), "MIA_LLM_MODEL=bench")
				}
				roles := []string{"all"}
				if topo != "all" {
					roles = []string{"web", "web", "worker"}
				}
				var targets []string
				var pids []int
				for i, role := range roles {
					addr := freeAddr(b)
					p := serve(b, bin, append(env, "MIA_ROLE="+role, "MIA_ADDR="+addr, fmt.Sprintf("MIA_MIGRATE=%t", i == 0)))
					pids = append(pids, p)
					if role != "worker" {
						targets = append(targets, "http://"+addr)
					}
				}
				cfg := loadgen.Config{Targets: targets, Towns: towns, Questions: questions, WebRate: 2000, Duration: dur,
					MaxInFlight: 32, PIDs: pids, ProcessNames: []string{"postgres"}, Drain: 20 * time.Second}
				for b.Loop() {
					ceiling := runLoad(b, cfg)
					k := ceiling.Kinds[loadgen.KindWeb]
					b.ReportMetric(k.PerSecond, "turns/s")
					b.ReportMetric(k.PerSecond/float64(runtime.NumCPU()), "turns/s/core")
					b.ReportMetric(k.Completion.P95, "p95_ms")
					b.ReportMetric(pgShare(ceiling), "pg_cpu_share")

					cfg.ViberRate, cfg.ViberToken, cfg.ViberSink, cfg.MaxInFlight = 500, "bench", sink, 4096
					cfg.WebRate = k.PerSecond // the web side at its ceiling
					withViber := runLoad(b, cfg)
					b.ReportMetric(withViber.Kinds[loadgen.KindViber].Ack.P99, "viber_ack_p99_ms")
					b.ReportMetric(withViber.Kinds[loadgen.KindViber].PerSecond, "viber_replies/s")
				}
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

func runLoad(b *testing.B, cfg loadgen.Config) *loadgen.Report {
	rep, err := loadgen.Run(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	var out strings.Builder
	rep.Print(&out)
	b.Log("\n" + out.String())
	return rep
}

// pgShare is PostgreSQL's part of the CPU the servers and it used.
func pgShare(rep *loadgen.Report) float64 {
	var pg, all float64
	for _, p := range rep.Processes {
		all += p.CPU
		if p.Name == "all postgres" {
			pg += p.CPU
		}
	}
	if all == 0 {
		return 0
	}
	return pg / all
}

func buildMIA(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "mia")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/mia")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build mia: %v\n%s", err, out)
	}
	return bin
}

func run(b *testing.B, bin string, env []string, args ...string) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("mia %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// serve starts `mia serve` and waits until it is ready; it is stopped
// (SIGTERM) when the benchmark ends.
func serve(b *testing.B, bin string, env []string) int {
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	var addr string
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "MIA_ADDR="); ok {
			addr = v
		}
	}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return cmd.Process.Pid
		}
	}
	b.Fatalf("mia serve on %s did not start", addr)
	return 0
}

func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return "127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// modelServer is the scripted model server answering every call with a
// short cited answer, streamed a word per delay.
func modelServer(b *testing.B, delay time.Duration) string {
	srv := testserver.New(b)
	answer := testserver.Func(func(testserver.Request) testserver.Response {
		return testserver.Text("Prema dokumentima grada, zahtev se podnosi na šalteru uslužnog centra uz ličnu kartu i " +
			"popunjen obrazac; rok za rešavanje je trideset dana [1].").WithTokenDelay(delay)
	})
	for range 200_000 {
		srv.Enqueue(answer)
	}
	return srv.URL
}
