package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/replica"
	"github.com/miasrbija/mia/server"
)

// Config is every setting of mia, typed. It is read only here, in
// cmd/mia, from flags and MIA_* variables (a flag beats its variable),
// and checked whole before a command touches anything: every wrong value
// is reported at once, each naming its variable and flag. Library
// packages get typed values from it and never read the environment.
type Config struct {
	DatabaseURL    string
	Municipalities string     // YAML file; "" is the embedded file
	LogLevel       slog.Level // of the JSON log
	Municipality   string     // slug a command works on; "" is the file's default
	Production     bool       // MIA_ENV=production: refuse development shortcuts

	// read replicas: search and back-office figures (MIA_DATABASE_READ_URL)
	ReadURLs   []string      // none: every read on the primary
	ReadMaxLag time.Duration // a replica further behind is skipped

	// serve
	Addr            string
	MetricsAddr     string // "": /metrics on Addr
	HSTS            bool
	PublicOrigin    string // MIA's own origin, e.g. https://mia.example.rs; "" in development
	Role            string
	TrustedProxies  []netip.Prefix
	InsecureCookies bool
	Migrate         bool // serve applies migrations at start

	// shared rate limits: in Redis when set, else in PostgreSQL
	RedisURL string

	// the engine
	TurnBudget time.Duration // 0: the engine's default
	Chat       *llm.Config   // nil: offline answers
	Embed      *llm.Config   // nil: the offline embedder
	DataKey    string        // base64 AES key for personal data; "" in development only
	// DataKeysOld are earlier data keys, kept to decrypt only (rotation:
	// `mia keys rotate` re-seals their values with DataKey).
	DataKeysOld []string

	// channels and accounts
	ViberAPIURL   string
	ViberTokens   map[string]string // municipality slug → bot token, filled by resolve
	StaffPassword string
	UploadDir     string // "": the system's temporary directory
	UploadMemory  int64  // 0: the web channel's default
	// ConcurrentTurns bounds the turns (web and Viber) a replica works at
	// once; 0: the engine's default (4 per CPU)
	ConcurrentTurns int

	// the crawler (ingest URL..., serve's source re-syncs)
	CrawlDelay time.Duration // between two requests to one host; negative: no pacing

	// forms: an unfinished form expires after this idle time; 0: forms' default (24h)
	DraftTTL time.Duration

	registry *municipality.Registry // loaded by resolve
}

// setting is one configuration value: the variable and flag that set it,
// its default, and how it lands in Config. A setting without a flag is a
// secret, read from the environment only (never from a command line that
// `ps` shows).
type setting struct {
	env, flag string
	def       string
	usage     string
	expected  string // shown when the value is wrong or missing
	// apply parses v into c; an error means v is not as expected.
	apply func(c *Config, v string) error
}

func (s *setting) String() string {
	if s.flag == "" {
		return s.env
	}
	return fmt.Sprintf("%s (--%s)", s.env, s.flag)
}

// configError is a wrong or missing setting; the message names the setting
// and what is expected, and the program stops before doing anything.
type configError struct {
	s        *setting
	expected string
	got      string
}

func (e configError) Error() string {
	if e.got == "" {
		return fmt.Sprintf("configuration: %s is missing: expected %s", e.s, e.expected)
	}
	return fmt.Sprintf("configuration: %s: expected %s, got %q", e.s, e.expected, e.got)
}

var (
	errMissing = errors.New("missing")
	errHidden  = errors.New("hidden") // the value is wrong but must not be echoed
)

var (
	setDatabaseURL = &setting{env: "DATABASE_URL", flag: "database-url",
		usage:    "PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/mia",
		expected: "a PostgreSQL URL such as postgres://postgres@127.0.0.1:5432/mia",
		apply: func(c *Config, v string) error {
			if v == "" {
				return errMissing
			}
			if _, err := postgres.ParseURL(v); err != nil {
				return errHidden // it may hold a password
			}
			c.DatabaseURL = v
			return nil
		}}
	setDatabaseReadURL = &setting{env: "MIA_DATABASE_READ_URL", flag: "database-read-url",
		usage:    "PostgreSQL streaming replicas for search and back-office figures, comma-separated URLs (default: none, all on DATABASE_URL)",
		expected: "comma-separated PostgreSQL URLs of streaming replicas of DATABASE_URL",
		apply: func(c *Config, v string) (err error) {
			if c.ReadURLs, err = replica.ParseURLs(v); err != nil {
				return errHidden // it may hold a password
			}
			return nil
		}}
	setReadMaxLag = &setting{env: "MIA_DATABASE_READ_MAX_LAG", flag: "database-read-max-lag", def: replica.DefaultMaxLag.String(),
		usage:    "a read replica further behind the primary than this is skipped until it catches up",
		expected: "a positive duration such as 10s",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("bad")
			}
			c.ReadMaxLag = d
			return nil
		}}
	setMunicipalities = &setting{env: "MIA_MUNICIPALITIES", flag: "municipalities",
		usage: "municipalities YAML file (default: the embedded file serving Sombor)",
		apply: func(c *Config, v string) error { c.Municipalities = v; return nil }}
	setLogLevel = &setting{env: "MIA_LOG_LEVEL", flag: "log-level", def: "info",
		usage: "log level: debug, info, warn or error", expected: "debug, info, warn or error",
		apply: func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }}
	setMunicipality = &setting{env: "MIA_MUNICIPALITY", flag: "municipality",
		usage: "municipality slug (default: the configuration's default)",
		apply: func(c *Config, v string) error { c.Municipality = v; return nil }}
	setEnv = &setting{env: "MIA_ENV", flag: "env",
		usage: "production refuses to start without MIA_DATA_KEY", expected: "production, development or empty",
		apply: func(c *Config, v string) error {
			switch v {
			case "production":
				c.Production = true
			case "", "development":
			default:
				return errors.New("unknown")
			}
			return nil
		}}
	setAddr = &setting{env: "MIA_ADDR", flag: "addr", def: "127.0.0.1:8080",
		usage: "listen address HOST:PORT", expected: "HOST:PORT such as 127.0.0.1:8080",
		apply: func(c *Config, v string) error {
			if !validAddr(v) {
				return errors.New("bad")
			}
			c.Addr = v
			return nil
		}}
	setMetricsAddr = &setting{env: "MIA_METRICS_ADDR", flag: "metrics-addr",
		usage:    "serve /metrics on this address HOST:PORT instead of the main one (default: on the main address)",
		expected: "HOST:PORT such as 127.0.0.1:9090, other than MIA_ADDR",
		apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			if !validAddr(v) || v == c.Addr {
				return errors.New("bad")
			}
			c.MetricsAddr = v
			return nil
		}}
	setHSTS = &setting{env: "MIA_HSTS", flag: "hsts", def: "false",
		usage:    "send Strict-Transport-Security (one year): only when MIA is reached over https:// alone",
		expected: "true or false",
		apply:    func(c *Config, v string) (err error) { c.HSTS, err = strconv.ParseBool(v); return err }}
	setPublicURL = &setting{env: "MIA_PUBLIC_URL", flag: "public-url",
		usage:    "MIA's own public origin, e.g. https://mia.example.rs: its pages may call the API (default: http://localhost:PORT outside production)",
		expected: "an http(s) origin such as https://mia.example.rs, without a path",
		apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(strings.TrimSuffix(v, "/"))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
				return errors.New("bad")
			}
			c.PublicOrigin = u.Scheme + "://" + u.Host
			return nil
		}}
	setRole = &setting{env: "MIA_ROLE", flag: "role", def: roleAll,
		usage:    "what this replica does: all, web (HTTP, enqueues jobs) or worker (runs jobs; health and metrics only)",
		expected: "all, web or worker",
		apply: func(c *Config, v string) error {
			if v != roleAll && v != roleWeb && v != roleWorker {
				return errors.New("bad")
			}
			c.Role = v
			return nil
		}}
	setTrustedProxies = &setting{env: "MIA_TRUSTED_PROXIES", flag: "trusted-proxies",
		usage:    "reverse proxies whose X-Forwarded-For is believed, as CIDRs or addresses (e.g. 10.0.0.0/8)",
		expected: "comma-separated CIDR prefixes or addresses",
		apply: func(c *Config, v string) (err error) {
			c.TrustedProxies, err = server.ParseProxies(v)
			return err
		}}
	setInsecureCookies = &setting{env: "MIA_INSECURE_COOKIES", flag: "insecure-cookies", def: "false",
		usage:    "send staff session cookies over plain HTTP (true only for local http:// use)",
		expected: "true or false",
		apply:    func(c *Config, v string) (err error) { c.InsecureCookies, err = strconv.ParseBool(v); return err }}
	setMigrate = &setting{env: "MIA_MIGRATE", flag: "migrate", def: "true",
		usage:    "apply database migrations at start (false when a release job runs `mia migrate`)",
		expected: "true or false",
		apply:    func(c *Config, v string) (err error) { c.Migrate, err = strconv.ParseBool(v); return err }}
	setCrawlDelay = &setting{env: "MIA_CRAWL_DELAY", flag: "crawl-delay", def: "1s",
		usage:    "time between two requests of the crawler to one host; a longer robots.txt Crawl-delay wins; 0 disables pacing (local sites only)",
		expected: "a duration such as 1s, or 0",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return errors.New("bad")
			}
			c.CrawlDelay = cmp.Or(d, -1)
			return nil
		}}
	setTurnBudget = &setting{env: "MIA_TURN_BUDGET", flag: "turn-budget",
		usage:    "time the model may take for one turn before the offline answer is given instead (default 20s)",
		expected: "a positive duration such as 20s",
		apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("bad")
			}
			c.TurnBudget = d
			return nil
		}}
	setDataKey = &setting{env: "MIA_DATA_KEY",
		expected: "32 bytes in standard base64 (openssl rand -base64 32)",
		apply: func(c *Config, v string) error {
			if v != "" && !validDataKey(v) {
				return errHidden
			}
			c.DataKey = v
			return nil
		}}
	setDataKeysOld = &setting{env: "MIA_DATA_KEYS_OLD",
		expected: "comma-separated earlier data keys, each 32 bytes in standard base64, none equal to MIA_DATA_KEY",
		apply: func(c *Config, v string) error {
			c.DataKeysOld = forms.SplitKeys(v)
			for _, k := range c.DataKeysOld {
				if !validDataKey(k) {
					return errHidden
				}
			}
			return nil
		}}
	setViberAPIURL = &setting{env: "MIA_VIBER_API_URL", flag: "viber-api-url", def: viber.DefaultAPIURL,
		usage: "Viber Bot API base URL", expected: "an http(s) URL such as " + viber.DefaultAPIURL,
		apply: func(c *Config, v string) error {
			if !httpURL(v) {
				return errors.New("bad")
			}
			c.ViberAPIURL = v
			return nil
		}}
	setUploadDir = &setting{env: "MIA_UPLOAD_DIR", flag: "upload-dir",
		usage:    "directory where uploads wait while their turn runs (default: the system's temporary directory)",
		expected: "an existing, writable directory",
		apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			if st, err := os.Stat(v); err != nil || !st.IsDir() {
				return errors.New("bad")
			}
			c.UploadDir = v
			return nil
		}}
	setUploadMemory = &setting{env: "MIA_UPLOAD_MEMORY", flag: "upload-memory",
		usage:    "bytes of uploaded files held in memory at once, across requests (default 40 MiB)",
		expected: "a positive whole number of bytes",
		apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return errors.New("bad")
			}
			c.UploadMemory = n
			return nil
		}}
	setDraftTTL = &setting{env: "MIA_DRAFT_TTL", flag: "draft-ttl", def: "24h",
		usage:    "idle time after which an unfinished form expires and its personal data and media are deleted",
		expected: "a positive duration such as 24h or 30m",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("bad")
			}
			c.DraftTTL = d
			return nil
		}}
	setConcurrentTurns = &setting{env: "MIA_CONCURRENT_TURNS", flag: "concurrent-turns", def: "0",
		usage:    "turns (web and Viber) one replica works at once, model waits not counted (more wait their turn); 0: 1 per CPU beside a local database, else 4 per CPU",
		expected: "a whole number, 0 or more",
		apply: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return errors.New("bad")
			}
			c.ConcurrentTurns = n
			return nil
		}}
	setStaffPassword = &setting{env: "MIA_STAFF_PASSWORD",
		apply: func(c *Config, v string) error { c.StaffPassword = v; return nil }}

	// The model server. Setting MIA_LLM_BASE_URL or MIA_LLM_MODEL turns
	// model answers on; MIA_EMBED_MODEL turns model embeddings on.
	setLLMBaseURL = &setting{env: llm.EnvBaseURL, flag: "llm-base-url",
		usage: "OpenAI-compatible API root, e.g. http://localhost:11434/v1 (unset: offline)"}
	setLLMModel = &setting{env: llm.EnvChatModel, flag: "llm-model",
		usage: "chat model (default " + llm.DefaultChatModel + ")"}
	setLLMAPIKey  = &setting{env: llm.EnvAPIKey}
	setEmbedModel = &setting{env: llm.EnvEmbeddingModel, flag: "embed-model", usage: "embedding model on the model server (unset: the offline embedder)"}
	setEmbedDim   = &setting{env: llm.EnvEmbeddingDim, flag: "embed-dim", usage: "vector size of the embedding model", expected: "a positive whole number"}

	// The groups commands take.
	commonSettings = []*setting{setDatabaseURL, setMunicipalities, setLogLevel}
	embedSettings  = []*setting{setEmbedModel, setEmbedDim, setLLMBaseURL, setLLMAPIKey}
	keySettings    = []*setting{setEnv, setDataKey, setDataKeysOld}
	engineSettings = []*setting{setEnv, setTurnBudget, setDataKey, setDataKeysOld, setLLMBaseURL, setLLMModel, setLLMAPIKey, setEmbedModel, setEmbedDim,
		setDatabaseReadURL, setReadMaxLag}
	readSettings = []*setting{setDatabaseReadURL, setReadMaxLag}
)

// configFlags binds a command's settings to its flag set: each flag's
// default is its variable's value, so a flag beats its variable.
type configFlags struct {
	e        *env
	settings []*setting
	values   map[*setting]*string
}

func bindConfig(fs *flag.FlagSet, e *env, groups ...[]*setting) *configFlags {
	cf := &configFlags{e: e, values: map[*setting]*string{}}
	for _, s := range slices.Concat(groups...) {
		if _, dup := cf.values[s]; dup {
			continue
		}
		cf.settings = append(cf.settings, s)
		v := e.getenv(s.env)
		if v == "" {
			v = s.def
		}
		if s.flag == "" {
			cf.values[s] = &v
			continue
		}
		cf.values[s] = fs.String(s.flag, v, s.usage)
	}
	return cf
}

// load checks every bound setting and returns the Config, or every
// problem at once.
func (cf *configFlags) load() (*Config, error) {
	c := &Config{LogLevel: slog.LevelInfo, Migrate: true, Role: roleAll, Addr: setAddr.def, ViberAPIURL: setViberAPIURL.def}
	var errs []error
	model := map[*setting]string{}
	for _, s := range cf.settings {
		v := strings.TrimSpace(*cf.values[s])
		if s.apply == nil {
			model[s] = v
			continue
		}
		switch err := s.apply(c, v); {
		case err == nil:
		case errors.Is(err, errMissing):
			errs = append(errs, configError{s, s.expected, ""})
		case errors.Is(err, errHidden):
			errs = append(errs, configError{s, s.expected, "(hidden)"})
		default:
			errs = append(errs, configError{s, s.expected, v})
		}
	}
	if len(model) > 0 {
		errs = append(errs, c.loadModel(model)...)
	}
	if _, keyed := cf.values[setDataKey]; keyed && c.Production && c.DataKey == "" {
		errs = append(errs, configError{setDataKey, "the data key in production (32 bytes, base64): personal data is encrypted with it", ""})
	}
	if _, keyed := cf.values[setDataKeysOld]; keyed && len(c.DataKeysOld) > 0 {
		switch {
		case c.DataKey == "":
			errs = append(errs, configError{setDataKey, "the current data key when " + setDataKeysOld.env + " is set", ""})
		case slices.ContainsFunc(c.DataKeysOld, func(k string) bool { return sameKey(k, c.DataKey) }):
			errs = append(errs, configError{setDataKeysOld, setDataKeysOld.expected, "(hidden)"})
		}
	}
	return c, errors.Join(errs...)
}

// loadModel fills Chat and Embed from the model settings.
func (c *Config) loadModel(v map[*setting]string) []error {
	base := llm.Config{BaseURL: v[setLLMBaseURL], APIKey: v[setLLMAPIKey], ChatModel: v[setLLMModel], EmbeddingModel: v[setEmbedModel]}
	var errs []error
	if s := v[setEmbedDim]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			errs = append(errs, configError{setEmbedDim, setEmbedDim.expected, s})
		}
		base.EmbeddingDim = n
	}
	if base.BaseURL != "" || base.ChatModel != "" {
		chat := base.WithDefaults()
		if err := chat.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("configuration: %w", err))
		}
		c.Chat = &chat
	}
	if base.EmbeddingModel != "" {
		emb := base.WithDefaults()
		if err := emb.Validate(); err != nil && c.Chat == nil {
			errs = append(errs, fmt.Errorf("configuration: %w", err))
		}
		c.Embed = &emb
	}
	return errs
}

// resolve loads the municipalities file, finds the municipality the
// command works on and reads each municipality's Viber token (the
// variable a municipality names in viber_token_env). It touches nothing.
func (c *Config) resolve(e *env) (*municipality.Registry, *municipality.Municipality, error) {
	reg, err := municipality.Load(c.Municipalities)
	if err != nil {
		return nil, nil, fmt.Errorf("configuration: %s: %w", setMunicipalities, err)
	}
	m, err := reg.Get(c.Municipality)
	if err != nil {
		return nil, nil, configError{setMunicipality, "a slug of the municipalities file", c.Municipality}
	}
	c.ViberTokens = map[string]string{}
	for _, mm := range reg.All() {
		if t := strings.TrimSpace(e.getenv(viber.TokenEnv(mm))); t != "" {
			c.ViberTokens[mm.Slug] = t
		}
	}
	c.registry = reg
	return reg, m, nil
}

// validAddr checks a HOST:PORT listen address.
func validAddr(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || strings.ContainsAny(host, " /") {
		return false
	}
	p, err := strconv.Atoi(port)
	return err == nil && p >= 0 && p <= 65535
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// publicOrigins are the origins of MIA's own pages, whose browser calls
// the API accepts: the configured public origin, or outside production
// http://localhost and http://127.0.0.1 at MIA_ADDR's port (make run,
// docker compose).
func (c *Config) publicOrigins() []string {
	if c.PublicOrigin != "" {
		return []string{c.PublicOrigin}
	}
	if c.Production {
		return nil
	}
	_, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return nil
	}
	return []string{"http://localhost:" + port, "http://127.0.0.1:" + port}
}
