package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// Server is a PostgreSQL server of the test's own, in a temporary data
// directory, for tests that stop and start the database under a running
// program. The machine's shared server is never touched.
type Server struct {
	tb       testing.TB
	bin      string
	dir      string
	port     int
	asPG     bool     // run the server binaries as the postgres user (we are root)
	settings []string // extra server settings, NAME=VALUE
}

// StartServer initialises and starts a server on a free port; it is
// stopped and removed when the test ends. The test is skipped when no
// PostgreSQL server binaries are installed. settings are extra server
// settings as NAME=VALUE (e.g. shared_preload_libraries=pg_stat_statements).
func StartServer(tb testing.TB, settings ...string) *Server {
	tb.Helper()
	bin := serverBinDir()
	if bin == "" {
		tb.Skip("pgtest: no PostgreSQL server binaries under /usr/lib/postgresql")
	}
	s := &Server{tb: tb, bin: bin, dir: tb.TempDir(), port: freePort(tb), asPG: os.Geteuid() == 0, settings: settings}
	s.ownDir()
	s.run("initdb", "-D", s.dir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
	s.Start()
	tb.Cleanup(func() { s.pgctl("stop", "-m", "immediate") })
	return s
}

// ownDir gives the data directory to the postgres user when we are root.
func (s *Server) ownDir() {
	tb := s.tb
	tb.Helper()
	if s.asPG {
		// initdb refuses to run as root; the data directory must be the
		// postgres user's.
		u, err := user.Lookup("postgres")
		if err != nil {
			tb.Skipf("pgtest: running as root and no postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for d := s.dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
			_ = os.Chmod(d, 0o755)
		}
		if err := os.Chown(s.dir, uid, gid); err != nil {
			tb.Fatalf("pgtest: chown data dir: %v", err)
		}
	}
	// The server refuses a data directory others may read.
	if err := os.Chmod(s.dir, 0o700); err != nil {
		tb.Fatalf("pgtest: chmod data dir: %v", err)
	}
}

// URL is the connection URL of the server's postgres database.
func (s *Server) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

// Start starts the (stopped) server and waits until it accepts connections.
func (s *Server) Start() {
	s.tb.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", s.port, s.dir)
	for _, kv := range s.settings {
		opts += " -c " + kv
	}
	s.pgctl("start", "-w", "-l", filepath.Join(s.dir, "server.log"), "-o", opts)
}

// Stop stops the server at once, as a crash or a restart would.
func (s *Server) Stop() {
	s.tb.Helper()
	s.pgctl("stop", "-w", "-m", "fast")
}

func (s *Server) pgctl(args ...string) {
	s.tb.Helper()
	s.run("pg_ctl", append([]string{"-D", s.dir}, args...)...)
}

func (s *Server) run(name string, args ...string) {
	s.tb.Helper()
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	if s.asPG {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", cmd.Path}, args...)...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		s.tb.Fatalf("pgtest: %s %v: %v\n%s", name, args, err, out)
	}
}

func serverBinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(dirs) == 0 {
		return ""
	}
	sort.Strings(dirs)
	return filepath.Dir(dirs[len(dirs)-1])
}

func freePort(tb testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
