package pgtest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
)

// StartReplica makes a streaming replica of s, as an operator would: a
// pg_basebackup of s into a temporary data directory, with standby.signal
// and primary_conninfo written (-R), started on a free port with s's
// settings. It is stopped and removed when the test ends. The trust-auth
// pg_hba.conf initdb writes for StartServer allows replication from
// 127.0.0.1; wal_level=replica and max_wal_senders=10 are the defaults.
func (s *Server) StartReplica(tb testing.TB) *Server {
	tb.Helper()
	r := &Server{tb: tb, bin: s.bin, dir: tb.TempDir(), port: freePort(tb), asPG: s.asPG, settings: s.settings}
	r.ownDir()
	r.run("pg_basebackup", "-D", r.dir, "-h", "127.0.0.1", "-p", strconv.Itoa(s.port), "-U", "postgres",
		"-X", "stream", "-R", "--checkpoint=fast", "--no-sync")
	// The copy holds the primary's log; the replica's own starts after it.
	_ = os.Remove(filepath.Join(r.dir, "server.log"))
	r.Start()
	tb.Cleanup(func() {
		if r.running() {
			r.pgctl("stop", "-m", "immediate")
		}
	})
	return r
}

// NewDB migrates the server's postgres database and syncs the default
// municipalities, as NewDB does on the shared server, and returns it open.
func (s *Server) NewDB(tb testing.TB) *postgres.DB {
	tb.Helper()
	ctx := context.Background()
	if _, err := postgres.Migrate(ctx, s.URL(), nil); err != nil {
		tb.Fatalf("pgtest: migrate: %v", err)
	}
	db, err := postgres.Open(ctx, s.URL())
	if err != nil {
		tb.Fatalf("pgtest: open: %v", err)
	}
	tb.Cleanup(db.Close)
	reg, err := municipality.Load("")
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.SyncMunicipalities(ctx, reg); err != nil {
		tb.Fatalf("pgtest: sync municipalities: %v", err)
	}
	return db
}

// running reports whether the server's postmaster is up.
func (s *Server) running() bool {
	_, err := s.postmasterPID()
	return err == nil
}

func (s *Server) postmasterPID() (int, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0, err
	}
	if _, err := os.Stat("/proc/" + first); err != nil {
		return 0, err
	}
	return pid, nil
}

// Freeze stops the server's processes (SIGSTOP): like a host that stops
// answering without closing its connections, queries and connection
// attempts hang. Thaw resumes them.
func (s *Server) Freeze() { s.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server (SIGCONT).
func (s *Server) Thaw() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.tb.Helper()
	pid, err := s.postmasterPID()
	if err != nil {
		s.tb.Fatalf("pgtest: server not running: %v", err)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		if f := procStat(p); len(f) > 1 && atoi(f[1]) == pid {
			_ = syscall.Kill(atoi(filepath.Base(filepath.Dir(p))), sig)
		}
	}
	if err := syscall.Kill(pid, sig); err != nil {
		s.tb.Fatalf("pgtest: signal %v: %v", sig, err)
	}
}

// clockTick is Linux's USER_HZ, the unit of /proc/PID/stat's times; it is
// 100 on every architecture Linux builds for user space.
const clockTick = 10 * time.Millisecond

// CPUTime is the processor time the server has used so far: the
// postmaster and its live backends, and the backends that have exited
// (counted in the postmaster's children times). Linux only.
func (s *Server) CPUTime() time.Duration {
	s.tb.Helper()
	pid, err := s.postmasterPID()
	if err != nil {
		s.tb.Fatalf("pgtest: server not running: %v", err)
	}
	total := 0
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		f := procStat(p)
		if len(f) < 17 {
			continue
		}
		self, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		ppid, _ := strconv.Atoi(f[1])
		switch {
		case self == pid: // utime, stime, cutime, cstime
			total += atoi(f[11]) + atoi(f[12]) + atoi(f[13]) + atoi(f[14])
		case ppid == pid:
			total += atoi(f[11]) + atoi(f[12])
		}
	}
	return time.Duration(total) * clockTick
}

// procStat returns the fields of a /proc/PID/stat after the command name
// (which may hold spaces): f[0] is the state, f[1] the parent's pid, f[11]
// utime.
func procStat(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(b[i+1:]))
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
