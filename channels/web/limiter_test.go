package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/limitstore"
	"github.com/miasrbija/mia/ratelimit"
	"github.com/miasrbija/mia/ratelimit/redislimit"
	"github.com/miasrbija/mia/ratelimit/redislimit/redistest"
	"github.com/miasrbija/mia/server"
)

// replica serves the channel again on the bundle's stores, as a second
// server process behind the same address would, counting its limits in
// limiter.
func (b *testBundle) replica(t *testing.T, limiter ratelimit.Limiter) string {
	t.Helper()
	cfg := b.cfg
	cfg.Limiter = limiter
	h, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{DB: b.db, Mount: h.Routes}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// Two replicas sharing one store allow one client and one conversation
// exactly what one replica would: requests alternated across them (and
// a burst of parallel ones) pass exactly the limits' bursts. Once with
// the PostgreSQL store, once with Redis.
func TestLimitsHoldAcrossReplicas(t *testing.T) {
	t.Parallel()
	const ipBurst, convBurst = 30, 3
	limits := func(c *web.Config) {
		c.PerIP = web.Limit{Rate: 0.001, Burst: ipBurst}
		c.PerConversation = web.Limit{Rate: 0.001, Burst: convBurst}
	}
	for _, backend := range []string{"postgres", "redis"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			var b *testBundle
			var another func() ratelimit.Limiter // the second replica's, on its own connections
			switch backend {
			case "postgres":
				b = setup(t, limits)
				another = func() ratelimit.Limiter {
					db, err := postgres.Open(context.Background(), b.db.Config().ConnString())
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(db.Close)
					return limitstore.New(db, nil)
				}
			case "redis":
				prefix := redistest.Prefix(t)
				b = setup(t, func(c *web.Config) {
					limits(c)
					c.Limiter = redislimit.New(redistest.Client(t), prefix)
				})
				another = func() ratelimit.Limiter { return redislimit.New(redistest.Client(t), prefix) }
			}
			bases := []string{b.srv.URL, b.replica(t, another())}

			tok := b.newConversation(t) // 1 of the address's allowance
			passed := 0
			for i := range 8 {
				res := post(t, bases[i%2]+"/api/v1/sombor/conversations/"+tok+"/messages", `{"text":"porez na imovinu"}`)
				switch res.StatusCode {
				case http.StatusOK:
					passed++
					readSSE(t, res.Body)
				case http.StatusTooManyRequests:
				default:
					t.Fatalf("message %d: %s", i+1, res.Status)
				}
				res.Body.Close()
			}
			if passed != convBurst {
				t.Errorf("%d of 8 messages to one conversation passed on two replicas, want %d", passed, convBurst)
			}

			// 9 requests spent: 40 at once, alternated, find exactly the rest.
			var ok, limited atomic.Int64
			var wg sync.WaitGroup
			for i := range 40 {
				wg.Go(func() {
					res, err := http.Get(bases[i%2] + "/api/v1/sombor/conversations/" + tok + "/messages")
					if err != nil {
						t.Error(err)
						return
					}
					res.Body.Close()
					switch res.StatusCode {
					case http.StatusOK:
						ok.Add(1)
					case http.StatusTooManyRequests:
						limited.Add(1)
					}
				})
			}
			wg.Wait()
			if ok.Load() != ipBurst-9 || limited.Load() != 40-(ipBurst-9) {
				t.Errorf("of 40 parallel requests from one address, %d passed and %d were limited; want %d and %d",
					ok.Load(), limited.Load(), ipBurst-9, 40-(ipBurst-9))
			}
		})
	}
}

// When the limits' store is down the chat goes on (the limit fails open):
// requests beyond the burst still pass.
func TestLimitsFailOpen(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *web.Config) {
		c.PerIP = web.Limit{Rate: 0.001, Burst: 1}
		opt, err := redislimit.ParseURL("redis://127.0.0.1:1/0") // nothing listens there
		if err != nil {
			t.Fatal(err)
		}
		c.Limiter = redislimit.New(redis.NewClient(opt), "")
	})
	for range 3 {
		b.newConversation(t)
	}
}

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return res
}
