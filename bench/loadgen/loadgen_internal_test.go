package loadgen

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/channels/viber"
)

func TestReadEvents(t *testing.T) {
	stream := "event: start\ndata: {\"status\":\"ok\"}\n\nevent: delta\ndata: {\"text\":\"Do\"}\n\n" +
		": comment\nevent: done\ndata: {\"reply\":\ndata: {\"text\":\"Dobar dan\"}}\n\n"
	var names []string
	err := readEvents(strings.NewReader(stream), func(name string, data []byte) error {
		names = append(names, name+"="+string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`start={"status":"ok"}`, `delta={"text":"Do"}`, "done={\"reply\":\n{\"text\":\"Dobar dan\"}}"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Fatalf("events %q, want %q", names, want)
	}
}

func TestPercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	l := percentiles(ds)
	if l.N != 100 || l.P50 != 51 || l.P95 != 96 || l.P99 != 100 {
		t.Fatalf("%+v", l)
	}
	if percentiles(nil).N != 0 {
		t.Fatal("empty input gave figures")
	}
}

// TestProcUsage reads this process's own CPU and memory from /proc.
func TestProcUsage(t *testing.T) {
	ticks, rss, err := procUsage(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1<<20 || ticks < 0 {
		t.Fatalf("ticks %d, rss %d", ticks, rss)
	}
	if _, _, err := procUsage(1 << 30); err == nil {
		t.Fatal("no error for a process that does not exist")
	}
}

// TestViberCallbackIsSigned: the generator's callback carries the
// signature MIA's webhook checks (channels/viber.ValidSignature), and a
// reply MIA's own Bot API client sends to the sink for that user
// completes it.
func TestViberCallbackIsSigned(t *testing.T) {
	type callback struct {
		body []byte
		sig  string
	}
	got := make(chan callback, 1)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- callback{body, r.Header.Get("X-Viber-Content-Signature")}
	}))
	defer receiver.Close()
	rec := newRecorder()
	s := newSink(rec)
	url, err := s.start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	g := &generator{cfg: Config{Targets: []string{receiver.URL}, ViberToken: "tok", ViberUsers: 10}, rec: rec, sink: s,
		http: http.DefaultClient}
	g.viberMessage(context.Background(), Town{Slug: "sombor"}, time.Now(), "Radno vreme?")
	cb := <-got
	if !viber.ValidSignature("tok", cb.body, cb.sig) {
		t.Fatal("MIA would refuse the callback's signature")
	}
	var msg struct{ Sender struct{ ID string } }
	if err := json.Unmarshal(cb.body, &msg); err != nil || msg.Sender.ID == "" {
		t.Fatalf("callback %s: %v", cb.body, err)
	}
	if s.unanswered() != 1 {
		t.Fatalf("%d callbacks wait for a reply, want 1", s.unanswered())
	}
	client := viber.NewClient(url, "tok")
	if _, err := client.SendMessage(context.Background(), &viber.Message{Receiver: msg.Sender.ID, Type: "text", Text: "Od 7 do 15."}); err != nil {
		t.Fatal(err)
	}
	if s.unanswered() != 0 {
		t.Fatal("the reply did not complete the callback")
	}
	rep := rec.report(time.Second)
	if k := rep.Kinds[KindViber]; k == nil || k.Completed != 1 || k.Ack.N != 1 {
		t.Fatalf("report %+v", rep.Kinds[KindViber])
	}
}
