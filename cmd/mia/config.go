package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/queue"
)

func osGetenv(k string) string { return os.Getenv(k) }

// setting describes one configuration value for error messages: the
// environment variable and flag a user can set it with.
type setting struct{ env, flag string }

func (s setting) String() string { return fmt.Sprintf("%s (--%s)", s.env, s.flag) }

var (
	setDatabaseURL    = setting{"DATABASE_URL", "database-url"}
	setMunicipalities = setting{"MIA_MUNICIPALITIES", "municipalities"}
	setLogLevel       = setting{"MIA_LOG_LEVEL", "log-level"}
	setAddr           = setting{"MIA_ADDR", "addr"}
)

// configError is a wrong or missing setting; the message names the setting
// and what is expected, and the program stops before doing anything.
type configError struct {
	s        setting
	expected string
	got      string
}

func (e configError) Error() string {
	if e.got == "" {
		return fmt.Sprintf("configuration: %s is missing: expected %s", e.s, e.expected)
	}
	return fmt.Sprintf("configuration: %s: expected %s, got %q", e.s, e.expected, e.got)
}

// common holds the settings every command that touches the database shares.
type common struct {
	databaseURL    string
	municipalities string
	logLevel       string
}

func newFlagSet(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("mia "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func (c *common) register(fs *flag.FlagSet, e *env) {
	fs.StringVar(&c.databaseURL, setDatabaseURL.flag, e.getenv(setDatabaseURL.env),
		"PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/mia")
	fs.StringVar(&c.municipalities, setMunicipalities.flag, e.getenv(setMunicipalities.env),
		"municipalities YAML file (default: the embedded file serving Sombor)")
	fs.StringVar(&c.logLevel, setLogLevel.flag, envOr(e, setLogLevel.env, "info"),
		"log level: debug, info, warn or error")
}

func (c *common) validate() error {
	var errs []error
	if c.databaseURL == "" {
		errs = append(errs, configError{setDatabaseURL, "a PostgreSQL URL such as postgres://postgres@127.0.0.1:5432/mia", ""})
	} else if _, err := postgres.ParseURL(c.databaseURL); err != nil {
		// The URL may hold a password: never echo it.
		errs = append(errs, configError{setDatabaseURL, "a PostgreSQL URL such as postgres://postgres@127.0.0.1:5432/mia", "(hidden)"})
	}
	if _, err := parseLevel(c.logLevel); err != nil {
		errs = append(errs, configError{setLogLevel, "debug, info, warn or error", c.logLevel})
	}
	return errors.Join(errs...)
}

func (c *common) registry() (*municipality.Registry, error) {
	r, err := municipality.Load(c.municipalities)
	if err != nil {
		return nil, fmt.Errorf("configuration: %s: %w", setMunicipalities, err)
	}
	return r, nil
}

// resolve validates the settings, loads the municipalities and finds the
// one slug names (empty: the default): the start of every command that
// works on one municipality's data.
func (c *common) resolve(slug string) (*municipality.Registry, *municipality.Municipality, error) {
	if err := c.validate(); err != nil {
		return nil, nil, err
	}
	reg, err := c.registry()
	if err != nil {
		return nil, nil, err
	}
	m, err := reg.Get(slug)
	if err != nil {
		return nil, nil, usageError{fmt.Sprintf("--municipality: %v", err)}
	}
	return reg, m, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	return l, err
}

// logger writes JSON lines, one object per event, to w.
func (c *common) logger(w io.Writer) *slog.Logger {
	lvl, _ := parseLevel(c.logLevel)
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl}))
}

// open migrates the database, opens the pool and syncs the configured
// municipalities: the start of every command that uses the database.
func (c *common) open(ctx context.Context, reg *municipality.Registry, log *slog.Logger) (*postgres.DB, error) {
	if _, err := postgres.Migrate(ctx, c.databaseURL, log); err != nil {
		return nil, err
	}
	db, err := postgres.Open(ctx, c.databaseURL)
	if err != nil {
		return nil, err
	}
	// River keeps its own schema history; its migrator is as safe to run
	// at every start as goose's.
	if err := queue.Migrate(ctx, db.Pool); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	if err := db.SyncMunicipalities(ctx, reg); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
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
