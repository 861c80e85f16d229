package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/rulesfile"
)

// AlertsConfig is what the alerts page shows and changes: the rules of
// serve's configuration (shown, never changed), the rules file beside the
// database (changed by admins), and the rules' state serve saves.
type AlertsConfig struct {
	// ConfigFile is serve's configuration file, for messages.
	ConfigFile string
	// ConfigRules are its [[alert]] tables.
	ConfigRules []rulesfile.Alert
	// Notifiers are the names of its [[notifier]]s: what a rule may notify.
	Notifiers []string
	// RulesFile is the rules file; "" when there is no database (the page
	// changes nothing then).
	RulesFile string
	// State is where serve saves each rule's firing (on SQLite the state
	// file DATABASE-alerts.json; on PostgreSQL the table AlertStates);
	// the page only loads it. nil shows every rule's state as unknown.
	State alert.StateStore
}

// Sources of a rule on the page.
const (
	sourceConfig = "configuration"
	sourcePage   = "page"
)

// alertView is one rule as the page and /api/alerts show it.
type alertView struct {
	Name           string           `json:"name"`
	Query          string           `json:"query"`
	Threshold      int              `json:"threshold"`
	Window         string           `json:"window"`
	WindowSeconds  int64            `json:"window_seconds"`
	Repeat         string           `json:"repeat"`
	Notify         []string         `json:"notify"`
	NotifyResolved bool             `json:"notify_resolved"`
	Source         string           `json:"source"` // configuration or page
	State          string           `json:"state"`  // ok, firing, or unknown (serve has not evaluated it)
	Since          *time.Time       `json:"since,omitempty"`
	Notified       *time.Time       `json:"notified,omitempty"`
	MutedUntil     *time.Time       `json:"muted_until,omitempty"`
	Deliveries     []alert.Delivery `json:"deliveries"`
	Error          string           `json:"error,omitempty"` // a rule that does not compile
}

// Muted tells whether the rule's notices are held back now.
func (v alertView) Muted() bool { return v.MutedUntil != nil && time.Now().Before(*v.MutedUntil) }

// MutedForever tells whether it is muted until unmuted.
func (v alertView) MutedForever() bool {
	return v.MutedUntil != nil && !v.MutedUntil.Before(alert.Forever)
}

// Editable tells whether the page may change the rule: the rules file's.
func (v alertView) Editable() bool { return v.Source == sourcePage }

// LastDelivery is the newest delivery through any notifier.
func (v alertView) LastDelivery() *alert.Delivery {
	var last *alert.Delivery
	for i := range v.Deliveries {
		if last == nil || v.Deliveries[i].At.After(last.At) {
			last = &v.Deliveries[i]
		}
	}
	return last
}

// newAlertView is a table as the page shows it, with its status and the
// mutes of the rules file.
func newAlertView(a rulesfile.Alert, source string, notifiers []string, status map[string]alert.Status, f *rulesfile.File) alertView {
	v := alertView{Name: a.Name, Query: a.Query, Source: source, Notify: a.Notify, State: "unknown", Deliveries: []alert.Delivery{}}
	if v.Notify == nil {
		v.Notify = []string{}
	}
	r, err := a.Rule(rulesfile.Known(notifiers))
	if err != nil {
		v.Error = err.Error()
		return v
	}
	v.Threshold, v.Window, v.WindowSeconds = r.Threshold, alert.FormatDuration(r.Window), int64(r.Window/time.Second)
	v.Repeat, v.NotifyResolved = alert.FormatDuration(r.Repeat), r.NotifyResolved
	r = f.Apply([]alert.Rule{r})[0]
	if !r.MutedUntil.IsZero() {
		v.MutedUntil = &r.MutedUntil
	}
	if st, ok := status[a.Name]; ok {
		v.State = "ok"
		if st.Firing {
			v.State, v.Since = "firing", &st.Since
		}
		if !st.Notified.IsZero() {
			v.Notified = &st.Notified
		}
		if st.Deliveries != nil {
			v.Deliveries = st.Deliveries
		}
	}
	return v
}

// alertViews are every rule, the configuration's first, with their
// status; the rules file is returned for changes.
func (s *Server) alertViews(ctx context.Context) ([]alertView, rulesfile.File, error) {
	c := s.cfg.Alerts
	status := s.alertStatus(ctx)
	f, err := s.rulesFile()
	var views []alertView
	for _, a := range c.ConfigRules {
		views = append(views, newAlertView(a, sourceConfig, c.Notifiers, status, &f))
	}
	for _, a := range f.Alerts {
		views = append(views, newAlertView(a, sourcePage, c.Notifiers, status, &f))
	}
	return views, f, err
}

// alertStatus is each rule's status as serve saved it, by name; nil
// (every rule unknown) without a state store or when it cannot be read.
func (s *Server) alertStatus(ctx context.Context) map[string]alert.Status {
	if s.cfg.Alerts.State == nil {
		return nil
	}
	status, err := alert.StatusOf(ctx, s.cfg.Alerts.State)
	if err != nil {
		s.log.Warn("alert state not read", "error", err)
		return nil
	}
	return status
}

// rulesFile is the rules file's content; empty, with the error, when it
// cannot be read.
func (s *Server) rulesFile() (rulesfile.File, error) {
	c := s.cfg.Alerts
	if c.RulesFile == "" {
		return rulesfile.File{}, nil
	}
	f, _, err := rulesfile.Read(c.RulesFile, c.Notifiers)
	if err != nil {
		return rulesfile.File{}, err
	}
	return f, nil
}

// maxPageRules bounds the rules the page writes: each is evaluated on
// every stored message.
const maxPageRules = 500

// errAlert is an admin's mistake in a change of the rules: 400, with the
// message.
type errAlert struct{ msg string }

func (e *errAlert) Error() string { return e.msg }

// changeRules applies edit to the rules file's tables and writes the file,
// checked as serve will read it, under a lock so that two changes of this
// process do not lose one.
func (s *Server) changeRules(edit func(f *rulesfile.File) error) error {
	c := s.cfg.Alerts
	if c.RulesFile == "" {
		return &errAlert{"no rules file: the configuration names no database (sqlite.database)"}
	}
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	next, _, err := rulesfile.Read(c.RulesFile, c.Notifiers)
	if err != nil {
		return err
	}
	if err := edit(&next); err != nil {
		return err
	}
	if len(next.Alerts) > maxPageRules {
		return &errAlert{fmt.Sprintf("at most %d rules in the rules file: delete one first", maxPageRules)}
	}
	for _, a := range next.Alerts {
		if slices.ContainsFunc(c.ConfigRules, func(o rulesfile.Alert) bool { return o.Name == a.Name }) {
			return &errAlert{fmt.Sprintf("%q is a rule of %s already: names must be unique", a.Name, c.ConfigFile)}
		}
	}
	if err := rulesfile.Write(c.RulesFile, next, c.Notifiers); err != nil {
		if strings.Contains(err.Error(), "[[alert]]") { // the admin's mistake, with its key
			return &errAlert{err.Error()}
		}
		return err
	}
	return nil
}

// findTable is the index of the table called name, or -1.
func findTable(tables []rulesfile.Alert, name string) int {
	return slices.IndexFunc(tables, func(a rulesfile.Alert) bool { return a.Name == name })
}
