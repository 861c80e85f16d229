package alert

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// sink keeps the notices it is given.
type sink struct {
	mu      sync.Mutex
	notices []Notice
}

func (s *sink) Notify(n Notice) { s.mu.Lock(); s.notices = append(s.notices, n); s.mu.Unlock() }

// got is each notice as "state@since..until" in seconds from t0 ("r" marks
// a reminder).
func (s *sink) got(t0 time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, n := range s.notices {
		r := ""
		if n.Repeat {
			r = "r"
		}
		out = append(out, fmt.Sprintf("%s%s@%v..%v", n.State, r, n.Since.Sub(t0).Seconds(), n.Until.Sub(t0).Seconds()))
	}
	return out
}

// history is stored messages, all matching, for Evaluator.History.
type history struct {
	mu    sync.Mutex
	times []time.Time
}

func (h *history) Search(_ context.Context, q search.Query, each func(search.Event) error) error {
	h.mu.Lock()
	times := slices.Clone(h.times)
	h.mu.Unlock()
	for _, t := range times {
		if (q.Since.IsZero() || !t.Before(q.Since)) && (q.Until.IsZero() || t.Before(q.Until)) {
			if err := each(search.Event{ReceivedAt: t, SysLogTag: "sshd", Message: "Failed password"}); err != nil {
				return err
			}
		}
	}
	return nil
}

// batch is n messages received now, half of them matching `tag:sshd`.
func batch(n int) []search.Row {
	var b []search.Row
	for i := range n {
		tag := "sshd"
		if i%2 == 1 {
			tag = "cron"
		}
		b = append(b, search.Row{ReceivedAt: time.Now(),
			Message: syslog.Message{Hostname: "h", AppName: tag, Text: "Failed password"}})
	}
	return b
}

func testRule(t *testing.T, mod func(r *Rule)) Rule {
	t.Helper()
	r, err := NewRule("ssh", "tag:sshd")
	if err != nil {
		t.Fatal(err)
	}
	r.Threshold, r.Window, r.Repeat = 3, time.Minute, 10*time.Minute
	if mod != nil {
		mod(&r)
	}
	return r
}

// step is what a scenario does at a time: send n messages (half of them
// matching), then wait.
type step struct {
	n    int
	wait time.Duration
}

func TestEvaluator(t *testing.T) {
	repeatSteps := []step{}
	for range 50 { // 3 matches every 30 s for 25 minutes
		repeatSteps = append(repeatSteps, step{6, 30 * time.Second})
	}
	tests := []struct {
		name  string
		rule  func(r *Rule)
		steps []step
		want  []string
	}{
		{"burst fires once and resolves once", nil, []step{{6, 5 * time.Minute}},
			[]string{"firing@0..0", "resolved@0..60"}},
		{"below the threshold: nothing", nil, []step{{4, 5 * time.Minute}}, nil},
		{"spread wider than the window: nothing", nil, []step{{2, 30 * time.Second}, {2, 31 * time.Second}, {2, 5 * time.Minute}}, nil},
		{"threshold reached across batches", nil, []step{{2, 30 * time.Second}, {2, 20 * time.Second}, {2, 5 * time.Minute}},
			[]string{"firing@50..50", "resolved@50..60"}},
		{"no resolve notice when turned off", func(r *Rule) { r.NotifyResolved = false }, []step{{6, 5 * time.Minute}},
			[]string{"firing@0..0"}},
		{"reminders at the repeat's pace", nil, append(repeatSteps, step{0, 5 * time.Minute}),
			[]string{"firing@0..0", "firingr@0..600", "firingr@0..1200", "resolved@0..1530"}},
		{"muted: evaluated, nothing sent", func(r *Rule) { r.MutedUntil = time.Now().Add(time.Hour) }, []step{{6, 5 * time.Minute}}, nil},
		{"muted until unmuted", func(r *Rule) { r.MutedUntil = Forever }, []step{{6, 5 * time.Minute}}, nil},
		{"a mute that ends: the reminders keep their pace", func(r *Rule) { r.MutedUntil = time.Now().Add(5 * time.Minute) },
			append(repeatSteps, step{0, 5 * time.Minute}), []string{"firingr@0..600", "firingr@0..1200", "resolved@0..1530"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &sink{}
				e := &Evaluator{Sink: s, State: StateFile(filepath.Join(t.TempDir(), "state.json"))}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan struct{})
				go func() { defer close(done); e.Run(ctx, []Rule{testRule(t, tt.rule)}) }()
				t0 := time.Now()
				for _, st := range tt.steps {
					if st.n > 0 {
						e.Stored(batch(st.n))
					}
					time.Sleep(st.wait)
				}
				cancel()
				<-done
				if got := s.got(t0); !slices.Equal(got, tt.want) {
					t.Errorf("notices:\n got %q\nwant %q", got, tt.want)
				}
			})
		})
	}
}

// A restart while a rule fires sends nothing again: the window is read from
// history and the firing from the state file; the resolve comes once.
func TestEvaluatorRestartWhileFiring(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "state.json")
		h := &history{}
		s := &sink{}
		run := func(wait time.Duration, send int) {
			e := &Evaluator{Sink: s, State: StateFile(state), History: h}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan struct{})
			go func() { defer close(done); e.Run(ctx, []Rule{testRule(t, nil)}) }()
			synctest.Wait()
			if send > 0 {
				b := batch(send)
				h.mu.Lock()
				for _, r := range b {
					if r.Message.AppName == "sshd" {
						h.times = append(h.times, r.ReceivedAt)
					}
				}
				h.mu.Unlock()
				e.Stored(b)
			}
			time.Sleep(wait)
			cancel()
			<-done
		}
		t0 := time.Now()
		run(10*time.Second, 6) // fires
		run(10*time.Second, 0) // restarted, still firing: nothing
		run(2*time.Minute, 0)  // resolves once
		want := []string{"firing@0..0", "resolved@0..60"}
		if got := s.got(t0); !slices.Equal(got, want) {
			t.Errorf("notices:\n got %q\nwant %q", got, want)
		}
	})
}

// A reload keeps the state of a rule whose counting did not change.
func TestEvaluatorReloadKeepsState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &sink{}
		e := &Evaluator{Sink: s}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); e.Run(ctx, []Rule{testRule(t, nil)}) }()
		t0 := time.Now()
		e.Stored(batch(6))
		time.Sleep(time.Second)
		e.SetRules([]Rule{testRule(t, func(r *Rule) { r.Notify = []string{"other"} })})
		time.Sleep(5 * time.Minute)
		if e.Stats().Firing["ssh"] {
			t.Error("still firing after 5 minutes")
		}
		cancel()
		<-done
		want := []string{"firing@0..0", "resolved@0..60"}
		if got := s.got(t0); !slices.Equal(got, want) {
			t.Errorf("notices:\n got %q\nwant %q", got, want)
		}
		if n := s.notices[1].Rule.Notify; !slices.Equal(n, []string{"other"}) {
			t.Errorf("resolve notice went to %q, want the reloaded rule's notifiers", n)
		}
	})
}

func TestReplay(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	at := func(secs ...int) []time.Time {
		var ts []time.Time
		for _, s := range secs {
			ts = append(ts, t0.Add(time.Duration(s)*time.Second))
		}
		return ts
	}
	h := &history{times: at(0, 10, 20, 30, 100, 200, 210, 215, 400)}
	got, err := Replay(t.Context(), h, testRule(t, nil), t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, iv := range got {
		s = append(s, fmt.Sprintf("%v..%v count %d peak %d", iv.Since.Sub(t0).Seconds(), iv.Until.Sub(t0).Seconds(), iv.Count, iv.Peak))
	}
	want := []string{"20..70 count 3 peak 4", "215..260 count 3 peak 3"}
	if strings.Join(s, "; ") != strings.Join(want, "; ") {
		t.Errorf("replay:\n got %q\nwant %q", s, want)
	}
}

// A rule added while stored batches wait to be evaluated counts each of
// their matches once: from history or from the batch, never both, never
// neither.
func TestEvaluatorNewRuleCountsEachMatchOnce(t *testing.T) {
	for _, tt := range []struct {
		threshold int
		want      int // firing notices
	}{{3, 1}, {4, 0}} {
		t.Run(fmt.Sprint("threshold ", tt.threshold), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h, s := &history{}, &sink{}
				e := &Evaluator{Sink: s, History: h}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan struct{})
				go func() { defer close(done); e.Run(ctx, nil) }()
				synctest.Wait()
				b := batch(6) // 3 match; committed, then handed over
				h.mu.Lock()
				for _, r := range b {
					if r.Message.AppName == "sshd" {
						h.times = append(h.times, r.ReceivedAt)
					}
				}
				h.mu.Unlock()
				e.Stored(b)
				e.SetRules([]Rule{testRule(t, func(r *Rule) { r.Threshold = tt.threshold })})
				time.Sleep(10 * time.Second)
				cancel()
				<-done
				firing := 0
				for _, n := range s.notices {
					if n.State == Firing {
						firing++
					}
				}
				if firing != tt.want {
					t.Errorf("%d firing notices %q, want %d", firing, s.got(time.Time{}), tt.want)
				}
			})
		})
	}
}

// The last delivery through each notifier is in the state file, for the
// page, and survives a restart.
func TestDeliveriesInStateFile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "state.json")
		run := func(do func(e *Evaluator)) {
			e := &Evaluator{State: StateFile(state)}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan struct{})
			go func() { defer close(done); e.Run(ctx, []Rule{testRule(t, nil)}) }()
			synctest.Wait()
			do(e)
			time.Sleep(2 * time.Second)
			cancel()
			<-done
		}
		at := time.Now()
		run(func(e *Evaluator) {
			e.Delivered("ssh", Delivery{Notifier: "ops", State: Firing, At: at, Result: "sent"})
			e.Delivered("ssh", Delivery{Notifier: "mail", State: Firing, At: at, Result: "failed", Error: "554"})
		})
		run(func(*Evaluator) {}) // restarted: kept
		st, err := ReadStatus(state)
		if err != nil {
			t.Fatal(err)
		}
		ds := st["ssh"].Deliveries
		if len(ds) != 2 || ds[0].Notifier != "mail" || ds[0].Error != "554" || ds[1].Result != "sent" || !ds[1].At.Equal(at) {
			t.Errorf("deliveries = %+v", ds)
		}
	})
}

// memState is a StateStore in memory, as a table would keep it.
type memState struct {
	mu    sync.Mutex
	rules map[string]SavedRule
	saves int
}

func (m *memState) LoadState(context.Context) (map[string]SavedRule, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.rules), nil
}

func (m *memState) SaveState(_ context.Context, rules map[string]SavedRule) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rules, m.saves = maps.Clone(rules), m.saves+1
	return nil
}

// events is n events received now, read back from the database, half of
// them matching `tag:sshd`.
func events(n int) []search.Event {
	var out []search.Event
	for i := range n {
		tag := "sshd"
		if i%2 == 1 {
			tag = "cron"
		}
		out = append(out, search.Event{ReceivedAt: time.Now(), FromHost: "h", SysLogTag: tag, Message: "Failed password"})
	}
	return out
}

// One Evaluator led in turns, fed with events read back from the
// database, its state in a StateStore: a term that begins while the rule
// fires sends nothing again (its window from history, its firing from the
// store), the resolve comes once, and between terms Stats says nothing of
// the rule.
func TestEvaluatorTerms(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		state, h, s := &memState{}, &history{}, &sink{}
		e := &Evaluator{Sink: s, State: state, History: h}
		term := func(wait time.Duration, send int) {
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan struct{})
			go func() { defer close(done); e.Run(ctx, []Rule{testRule(t, nil)}) }()
			synctest.Wait()
			if !e.Stats().Evaluating {
				t.Error("Stats says it does not evaluate during a term")
			}
			if send > 0 {
				evs := events(send)
				h.mu.Lock()
				for _, ev := range evs {
					if ev.SysLogTag == "sshd" {
						h.times = append(h.times, ev.ReceivedAt)
					}
				}
				h.mu.Unlock()
				e.StoredEvents(evs)
			}
			time.Sleep(wait)
			cancel()
			<-done
			if st := e.Stats(); st.Evaluating || st.Firing["ssh"] || len(st.Firing) > 0 {
				t.Errorf("Stats between terms: %+v", st)
			}
		}
		t0 := time.Now()
		term(10*time.Second, 6) // fires
		if r := state.rules["ssh"]; !r.Firing || !r.Since.Equal(t0) {
			t.Fatalf("saved %+v after the first term", r)
		}
		term(10*time.Second, 0) // another term, still firing: nothing
		term(2*time.Minute, 0)  // resolves once
		want := []string{"firing@0..0", "resolved@0..60"}
		if got := s.got(t0); !slices.Equal(got, want) {
			t.Errorf("notices:\n got %q\nwant %q", got, want)
		}
		if r := state.rules["ssh"]; r.Firing {
			t.Errorf("saved %+v after the resolve", r)
		}
	})
}
