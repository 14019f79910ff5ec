package loadgen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ProcessUsage is the CPU and memory of one watched process, or of every
// process with one command name (PostgreSQL's backends) taken together.
type ProcessUsage struct {
	Name   string  `json:"name"`
	CPU    float64 `json:"cpu_cores"` // CPU seconds used per second of the run
	MaxRSS int64   `json:"max_rss_bytes"`
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// watcher samples /proc once a second: each PID's CPU time and resident
// memory, and the summed CPU of every process whose command is one of
// names (PostgreSQL forks a backend per connection, so its PIDs come and
// go during a run).
type watcher struct {
	pids  []int
	names []string

	mu      sync.Mutex
	start   map[string]int64 // CPU ticks at start, per process key
	last    map[string]int64 // CPU ticks at the last sample
	rss     map[string]int64 // max RSS per reported name
	machine [2]int64         // busy, total ticks of /proc/stat at start
	stop    chan struct{}
	done    chan struct{}
}

func newWatcher(pids []int, names []string) *watcher {
	return &watcher{pids: pids, names: names, start: map[string]int64{}, last: map[string]int64{}, rss: map[string]int64{},
		stop: make(chan struct{}), done: make(chan struct{})}
}

func (w *watcher) run() {
	defer close(w.done)
	w.machine = machineTicks()
	w.sample(true)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			w.sample(false)
			return
		case <-t.C:
			w.sample(false)
		}
	}
}

// sample reads every watched process. A process seen for the first time
// after the start (a new backend) counts from zero.
func (w *watcher) sample(first bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, pid := range w.pids {
		w.read(pid, fmt.Sprintf("pid %d", pid), fmt.Sprintf("pid %d", pid), first)
	}
	if len(w.names) == 0 {
		return
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(filepath.Join(d, "comm"))
		if err != nil {
			continue
		}
		name := strings.TrimSpace(string(comm))
		for _, n := range w.names {
			if name == n {
				w.read(pid, fmt.Sprintf("%s/%d", n, pid), "all "+n, first)
			}
		}
	}
}

func (w *watcher) read(pid int, key, name string, first bool) {
	ticks, rss, err := procUsage(pid)
	if err != nil {
		return
	}
	if _, seen := w.start[key]; !seen {
		if first {
			w.start[key] = ticks
		} else {
			w.start[key] = 0
		}
	}
	w.last[key] = ticks
	// A group's memory is its largest member's: PostgreSQL's backends
	// share its buffers, so a sum would count them many times.
	w.rss[name] = max(w.rss[name], rss)
}

func (w *watcher) finish(elapsed time.Duration) ([]ProcessUsage, float64) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	cpu := map[string]int64{}
	for key, last := range w.last {
		name := key
		if i := strings.IndexByte(key, '/'); i > 0 {
			name = "all " + key[:i]
		}
		cpu[name] += last - w.start[key]
	}
	var out []ProcessUsage
	for _, pid := range w.pids {
		name := fmt.Sprintf("pid %d", pid)
		out = append(out, ProcessUsage{Name: name, CPU: float64(cpu[name]) / clockTicks / elapsed.Seconds(), MaxRSS: w.rss[name]})
	}
	for _, n := range w.names {
		name := "all " + n
		out = append(out, ProcessUsage{Name: name, CPU: float64(cpu[name]) / clockTicks / elapsed.Seconds(), MaxRSS: w.rss[name]})
	}
	end := machineTicks()
	busy, total := end[0]-w.machine[0], end[1]-w.machine[1]
	machine := 0.0
	if total > 0 {
		machine = float64(busy) / float64(total) * float64(runtime.NumCPU())
	}
	return out, machine
}

// procUsage reads a process's user+system CPU ticks and resident bytes.
func procUsage(pid int) (int64, int64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// The command may hold spaces and parentheses: fields start after the
	// last ')'. utime and stime are fields 14 and 15 (1-based).
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("pid %d: unexpected stat", pid)
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("pid %d: short stat", pid)
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	var rss int64
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			rss = kb << 10
		}
	}
	return utime + stime, rss, nil
}

// machineTicks returns the busy and total CPU ticks of the machine.
func machineTicks() [2]int64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return [2]int64{}
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	var busy, total int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return [2]int64{busy, total}
}
