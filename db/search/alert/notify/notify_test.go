package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
)

func testNotice(t *testing.T) alert.Notice {
	t.Helper()
	r, err := alert.NewRule("ssh brute force", `tag:sshd "Failed password"`)
	if err != nil {
		t.Fatal(err)
	}
	r.Threshold, r.Window, r.Notify = 10, 5*time.Minute, []string{"ops"}
	since := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	return alert.Notice{Rule: r, State: alert.Firing, Count: 12, Since: since, Until: since.Add(time.Minute)}
}

func TestMessageJSON(t *testing.T) {
	ev := search.Event{Table: "SystemEvents202611", ID: 7, FromHost: "gw", SysLogTag: "sshd",
		ReceivedAt: time.Date(2026, 11, 24, 10, 0, 30, 0, time.UTC), Message: "Failed password for <root>"}
	m := &Message{Notice: testNotice(t), Events: []search.Event{ev}, Link: "https://logs.example.com/?q=x"}
	b, err := m.JSON()
	if err != nil {
		t.Fatal(err)
	}
	evJSON, _ := ev.MarshalJSON()
	want := `{"alert":"ssh brute force","state":"firing","count":12,"threshold":10,"window":"5m",` +
		`"query":"tag:sshd \"Failed password\"","since":"2026-11-24T10:00:00Z","until":"2026-11-24T10:01:00Z",` +
		`"events":[` + string(evJSON) + `],"link":"https://logs.example.com/?q=x"}`
	if string(b) != want {
		t.Errorf("JSON:\n got %s\nwant %s", b, want)
	}
}

func TestLink(t *testing.T) {
	n := testNotice(t)
	got := Link("https://logs.example.com/", &n)
	want := "https://logs.example.com/?q=tag%3Asshd+%22Failed+password%22&since=2026-11-24T09%3A55%3A00Z&until=2026-11-24T10%3A01%3A01Z"
	if got != want {
		t.Errorf("link:\n got %s\nwant %s", got, want)
	}
	if Link("", &n) != "" {
		t.Error("a link without base_url")
	}
}

// receiver is a webhook that answers with status after delay, and keeps
// the bodies.
type receiver struct {
	mu     sync.Mutex
	bodies []string
	status int
	delay  time.Duration
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.bodies = append(rc.bodies, string(b))
	status, delay := rc.status, rc.delay
	rc.mu.Unlock()
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
	}
	w.WriteHeader(status)
}

func TestSendRetriesAndCounts(t *testing.T) {
	tests := []struct {
		name   string
		status int
		delay  time.Duration
		want   []Count
	}{
		{"ok", 200, 0, []Count{{"ssh brute force", "ops", ResultSent, 1}}},
		{"500", 500, 0, []Count{{"ssh brute force", "ops", ResultFailed, 1}, {"ssh brute force", "ops", ResultRetried, 2}}},
		{"hangs", 200, time.Minute, []Count{{"ssh brute force", "ops", ResultFailed, 1}, {"ssh brute force", "ops", ResultRetried, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := &receiver{status: tt.status, delay: tt.delay}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			d := &Dispatcher{Attempts: 3, Backoff: time.Millisecond, Timeout: 100 * time.Millisecond}
			n := testNotice(t)
			err := d.Send(context.Background(), "ops", &Webhook{URL: srv.URL}, &Message{Notice: n})
			if (err == nil) != (tt.want[0].Result == ResultSent) {
				t.Errorf("Send = %v", err)
			}
			got := d.Counts()
			slices.SortFunc(got, func(a, b Count) int { return strings.Compare(a.Result, b.Result) })
			if !slices.Equal(got, tt.want) {
				t.Errorf("counts = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSlackFormat(t *testing.T) {
	rc := &receiver{status: 200}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	m := &Message{Notice: testNotice(t), Link: "https://logs.example.com/"}
	if err := (&Webhook{URL: srv.URL, Slack: true}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(rc.bodies[0]), &body); err != nil {
		t.Fatal(err)
	}
	want := "[FIRING] ssh brute force: 12 messages matching tag:sshd \"Failed password\" within 5m (threshold 10)\nhttps://logs.example.com/"
	if len(body) != 1 || body["text"] != want {
		t.Errorf("slack body = %q, want only text %q", body, want)
	}
}

// A notifier that hangs holds only its own queue: another rule's notices
// through another notifier go out meanwhile.
func TestHangingNotifierDelaysNoOther(t *testing.T) {
	hang := &receiver{status: 200, delay: time.Minute}
	ok := &receiver{status: 200}
	hs, os := httptest.NewServer(hang), httptest.NewServer(ok)
	defer hs.Close()
	defer os.Close()
	d := &Dispatcher{Attempts: 1, Timeout: 30 * time.Second, Drain: 100 * time.Millisecond}
	d.SetNotifiers(map[string]Notifier{"hang": &Webhook{URL: hs.URL}, "ok": &Webhook{URL: os.URL}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	a, b := testNotice(t), testNotice(t)
	a.Rule.Notify, b.Rule.Name, b.Rule.Notify = []string{"hang"}, "other", []string{"ok"}
	d.Notify(a)
	d.Notify(b)
	testwait.Eventually(t, 10*time.Second, func() error {
		ok.mu.Lock()
		defer ok.mu.Unlock()
		if len(ok.bodies) != 1 {
			return fmt.Errorf("the other notifier got %d notices while one hung, want 1", len(ok.bodies))
		}
		return nil
	})
	cancel()
	select {
	case <-done: // the hanging attempt is cut when the drain ends
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within the drain")
	}
}

// Each notice's final result through each notifier is told to Delivered:
// sent, failed (with the error), unknown.
func TestDelivered(t *testing.T) {
	ok, bad := httptest.NewServer(&receiver{status: 200}), httptest.NewServer(&receiver{status: 500})
	defer ok.Close()
	defer bad.Close()
	var mu sync.Mutex
	got := map[string]alert.Delivery{}
	d := &Dispatcher{Attempts: 1, Timeout: 5 * time.Second, Drain: time.Second,
		Delivered: func(rule string, dl alert.Delivery) { mu.Lock(); got[rule+"/"+dl.Notifier] = dl; mu.Unlock() }}
	d.SetNotifiers(map[string]Notifier{"ok": &Webhook{URL: ok.URL}, "bad": &Webhook{URL: bad.URL}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	n := testNotice(t)
	n.Rule.Notify = []string{"ok", "bad", "nope"}
	d.Notify(n)
	testwait.Eventually(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 3 {
			return fmt.Errorf("%d results, want 3: %v", len(got), got)
		}
		return nil
	})
	cancel()
	<-done
	for key, want := range map[string]string{"ssh brute force/ok": ResultSent, "ssh brute force/bad": ResultFailed, "ssh brute force/nope": ResultUnknown} {
		dl := got[key]
		if dl.Result != want || dl.State != alert.Firing || dl.At.IsZero() || (want == ResultFailed) != (dl.Error != "") {
			t.Errorf("%s: %+v, want result %s", key, dl, want)
		}
	}
}
