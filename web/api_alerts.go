package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/rulesfile"
)

// alertsAnswer is the answer of /api/alerts.
type alertsAnswer struct {
	Alerts    []alertView `json:"alerts"`
	RulesFile string      `json:"rules_file"`
}

// apiAlerts answers GET /api/alerts: every rule, its source and status.
func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request) {
	views, _, err := s.alertViews(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if views == nil {
		views = []alertView{}
	}
	writeJSON(w, http.StatusOK, alertsAnswer{Alerts: views, RulesFile: s.cfg.Alerts.RulesFile})
}

// backtestAnswer is the answer of /api/alerts/backtest.
type backtestAnswer struct {
	Rule      string             `json:"rule"`
	Since     string             `json:"since"`
	Until     string             `json:"until"`
	Intervals []backtestInterval `json:"intervals"`
}

type backtestInterval struct {
	Since string `json:"since"`
	Until string `json:"until,omitempty"` // "": still firing at the end
	Count int64  `json:"count"`
	Peak  int64  `json:"peak"`
}

// maxIntervals bounds the firings a backtest answers (the newest are cut).
const maxIntervals = 1000

// apiBacktest answers GET /api/alerts/backtest: when a rule would have
// fired and resolved over the stored messages since since (default 7d),
// by the same replay as `aiosyslogd alert test`. The rule is name=NAME,
// or query, threshold and window for one not yet saved.
func (s *Server) apiBacktest(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	rule, err := s.backtestRule(v.Get("name"), v.Get("query"), v.Get("threshold"), v.Get("window"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := time.Now()
	sinceText := v.Get("since")
	if sinceText == "" {
		sinceText = "7d"
	}
	loc, err := parseZone(v.Get("tz"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	since, err := search.ParseTime(sinceText, now, loc)
	if err != nil {
		s.fail(w, r, badParam("since", "%v", err))
		return
	}
	reader, err := s.Reader(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r, done, err := s.searchSlot(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer done()
	intervals, err := alert.Replay(r.Context(), reader, rule, since, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := backtestAnswer{Rule: rule.Name, Since: since.UTC().Format(time.RFC3339), Until: now.UTC().Format(time.RFC3339),
		Intervals: []backtestInterval{}}
	for _, in := range intervals[max(0, len(intervals)-maxIntervals):] {
		bi := backtestInterval{Since: in.Since.UTC().Format(time.RFC3339), Count: in.Count, Peak: in.Peak}
		if !in.Until.IsZero() {
			bi.Until = in.Until.UTC().Format(time.RFC3339)
		}
		a.Intervals = append(a.Intervals, bi)
	}
	writeJSON(w, http.StatusOK, a)
}

// backtestRule is the rule named name, or one made of query, threshold
// and window.
func (s *Server) backtestRule(name, q, threshold, window string) (alert.Rule, error) {
	if name != "" {
		f, err := s.rulesFile()
		if err != nil {
			return alert.Rule{}, err
		}
		all := append([]rulesfile.Alert(nil), s.cfg.Alerts.ConfigRules...)
		all = append(all, f.Alerts...)
		for _, a := range all {
			if a.Name == name {
				return a.Rule(rulesfile.Known(s.cfg.Alerts.Notifiers))
			}
		}
		return alert.Rule{}, badParam("name", "no rule is named %q", name)
	}
	a := rulesfile.Alert{Name: "backtest", Query: q, Window: window}
	if threshold != "" {
		n, err := strconv.Atoi(threshold)
		if err != nil {
			return alert.Rule{}, badParam("threshold", "%q is not a number", threshold)
		}
		a.Threshold = &n
	}
	r, err := a.Rule(func(string) bool { return true })
	if err != nil {
		return r, &badRequest{err.Error()}
	}
	return r, nil
}
