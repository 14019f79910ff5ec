package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/municipality"
)

// demoAdminEmail is the login of the development administrator serve
// creates so a first run reaches the back-office without another command.
const demoAdminEmail = "admin@mia.localhost"

// demoAdmin is the development administrator's login, for the start banner.
type demoAdmin struct {
	Municipality, Email, Password string
}

// ensureDemoAdmin makes sure the default municipality has the development
// administrator and gives it a fresh random password, returned once and
// never stored in clear: every start prints a login that works, and the
// previous start's password (and its sessions) stop working. Callers
// must not call it in production.
func ensureDemoAdmin(ctx context.Context, store backoffice.StaffStore, reg *municipality.Registry) (demoAdmin, error) {
	m := reg.Default()
	a := demoAdmin{Municipality: m.Slug, Email: demoAdminEmail, Password: rand.Text()}
	_, err := backoffice.CreateStaff(ctx, store, reg, backoffice.NewStaff{Municipality: m.Slug, Email: a.Email,
		Name: "Probni administrator", Role: backoffice.RoleAdmin, Password: a.Password})
	if errors.Is(err, fault.ErrConflict) {
		err = backoffice.SetStaffPassword(ctx, store, m.Slug, a.Email, a.Password)
	}
	if err != nil {
		return demoAdmin{}, fmt.Errorf("development administrator: %w", err)
	}
	return a, nil
}

// baseURL is the address a person on this machine opens for a listen
// address: an unspecified host (0.0.0.0, ::) becomes localhost.
func baseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// isLoopback reports whether a browser treats http://host as a secure
// context, so it keeps Secure cookies over plain HTTP.
func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// banner is what the start banner shows.
type banner struct {
	Base            string // where people open MIA's pages, e.g. http://127.0.0.1:8080
	Metrics         string // the /metrics URL
	Role            string
	InsecureCookies bool
	Admin           *demoAdmin // nil: none (production, or a worker)
}

// print writes the block a person reads after `make run`: what is served
// where and, in development, how to log in to the back-office. It goes to
// stderr so stdout stays JSON log lines only.
func (bn banner) print(w io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nMIA is serving on %s\n", bn.Base)
	if bn.Role != roleWorker {
		fmt.Fprintf(&b, "  chat demo      %s/\n", bn.Base)
		fmt.Fprintf(&b, "  back-office    %s/staff/\n", bn.Base)
		fmt.Fprintf(&b, "  API reference  %s/api/docs  (OpenAPI: %s/api/v1/openapi.json)\n", bn.Base, bn.Base)
	}
	fmt.Fprintf(&b, "  metrics        %s  (health: %s/healthz, %s/readyz)\n", bn.Metrics, bn.Base, bn.Base)
	if a := bn.Admin; a != nil {
		fmt.Fprintf(&b, "Back-office login (development only; a new password at every start, none with MIA_ENV=production):\n")
		fmt.Fprintf(&b, "  municipality   %s\n  e-mail         %s\n  password       %s\n", a.Municipality, a.Email, a.Password)
		fmt.Fprintf(&b, "Real accounts: mia staff add --email E --name N --role admin|staff (passwords of at least %d characters).\n",
			backoffice.MinPasswordLen)
	}
	if u, err := url.Parse(bn.Base); err == nil && bn.Role != roleWorker && u.Scheme == "http" && !bn.InsecureCookies && !isLoopback(u.Hostname()) {
		fmt.Fprintf(&b, "Staff sessions need HTTPS at %s (Secure cookies); for plain http:// on a local network set MIA_INSECURE_COOKIES=true.\n", bn.Base)
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}

// announce prepares the development administrator (not in production, and
// only where the back-office is served), logs that it exists and prints
// the start banner on stderr. addr and metricsAddr are the bound addresses.
func (c *Config) announce(ctx context.Context, e *env, addr, metricsAddr string, store backoffice.StaffStore, log *slog.Logger) error {
	bn := banner{Base: cmp.Or(c.PublicOrigin, baseURL(addr)), Role: c.Role, InsecureCookies: c.InsecureCookies}
	bn.Metrics = bn.Base + "/metrics"
	if metricsAddr != "" && metricsAddr != addr {
		bn.Metrics = baseURL(metricsAddr) + "/metrics"
	}
	if !c.Production && c.Role != roleWorker {
		a, err := ensureDemoAdmin(ctx, store, c.registry)
		if err != nil {
			return err
		}
		bn.Admin = &a
		// The log says that it exists, never the password.
		log.InfoContext(ctx, "development administrator ready", "municipality", a.Municipality, "email", a.Email)
	}
	bn.print(e.stderr)
	return nil
}
