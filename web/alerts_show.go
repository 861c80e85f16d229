package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert/rulesfile"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// alertsShow answers GET /alerts: every rule with its state, its last
// notification and a chart of its last 24 hours; for admins, the buttons
// that change the rules file's.
func (s *Server) alertsShow(w http.ResponseWriter, r *http.Request) {
	s.showAlerts(w, r, http.StatusOK, "", "")
}

// showAlerts renders the alerts page with status and a message.
func (s *Server) showAlerts(w http.ResponseWriter, r *http.Request, status int, notice, problem string) {
	views, _, err := s.alertViews(r.Context())
	if err != nil {
		s.log.Error("read the rules file", "error", err)
		problem, status = "The rules file cannot be read: "+err.Error(), http.StatusInternalServerError
	}
	s.render(w, r, status, "alerts.html", pageData{Title: "Alerts", Alerts: views, Notice: notice, Error: problem,
		RulesFile: s.cfg.Alerts.RulesFile, ConfigFile: s.cfg.Alerts.ConfigFile})
}

// alertForm is the form of a rule: new, from a search, or edited.
type alertForm struct {
	Original                               string // the rule edited; "" for a new one
	Name, Query, Threshold, Window, Repeat string
	Notifiers                              []option
	NotifyResolved                         bool
	Dropped                                string // what of the view a rule cannot keep (its range)
}

// alertNew answers GET /alerts/new?VIEW: the form of a new rule whose
// query is the search page's view (its query and filters as one query).
func (s *Server) alertNew(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	f := alertForm{Query: viewQuery(v), Threshold: "1", Window: "5m", Repeat: "1h", NotifyResolved: true}
	if _, err := query.Parse(f.Query); err != nil {
		f.Query = v.Get("q") // the page's own query parses, or the page said so
	}
	if v.Get("since") != "" || v.Get("until") != "" {
		f.Dropped = "The search's time range is not part of a rule: the rule counts its window, back from each message."
	}
	f.Notifiers = s.notifierOptions(nil)
	s.renderAlertForm(w, r, http.StatusOK, f, "")
}

// alertEdit answers GET /alerts/edit?name=NAME: the form of a rule of the
// rules file.
func (s *Server) alertEdit(w http.ResponseWriter, r *http.Request) {
	_, file, err := s.alertViews(r.Context())
	if err != nil {
		s.showAlerts(w, r, http.StatusInternalServerError, "", "The rules file cannot be read: "+err.Error())
		return
	}
	tables := file.Alerts
	i := findTable(tables, r.URL.Query().Get("name"))
	if i < 0 {
		s.showAlerts(w, r, http.StatusNotFound, "", "No rule of the rules file has that name: rules of the configuration are changed there.")
		return
	}
	a := tables[i]
	f := alertForm{Original: a.Name, Name: a.Name, Query: a.Query, Threshold: "1", Window: a.Window, Repeat: a.Repeat,
		NotifyResolved: a.NotifyResolved == nil || *a.NotifyResolved, Notifiers: s.notifierOptions(a.Notify)}
	if a.Threshold != nil {
		f.Threshold = strconv.Itoa(*a.Threshold)
	}
	s.renderAlertForm(w, r, http.StatusOK, f, "")
}

func (s *Server) renderAlertForm(w http.ResponseWriter, r *http.Request, status int, f alertForm, problem string) {
	title := "New alert"
	if f.Original != "" {
		title = "Edit alert"
	}
	s.render(w, r, status, "alert_form.html", pageData{Title: title, AlertForm: f, Error: problem, RulesFile: s.cfg.Alerts.RulesFile})
}

// notifierOptions are the configuration's notifiers, those of chosen
// checked.
func (s *Server) notifierOptions(chosen []string) []option {
	var out []option
	for _, n := range s.cfg.Alerts.Notifiers {
		out = append(out, option{Value: n, Label: n, Selected: slices.Contains(chosen, n)})
	}
	return out
}

// viewQuery is a search page's view as one query of the query language:
// its q, and its filters as fields (host, tag, facility, severity and
// their exclusions). The time range is not part of it.
func viewQuery(v url.Values) string {
	var terms []string
	if q := strings.TrimSpace(v.Get("q")); q != "" {
		terms = append(terms, q)
	}
	field := func(name, value string) string { return name + ":" + fieldValue(value) }
	for _, key := range []string{"host", "tag", "facility", "severity"} {
		if val := v.Get(key); val != "" {
			terms = append(terms, field(key, val))
		}
	}
	for _, key := range []string{"host", "tag", "facility", "severity"} {
		for _, val := range v["not_"+key] {
			if key == "severity" { // an excluded severity is that level only
				terms = append(terms, notSeverity(val))
				continue
			}
			terms = append(terms, "-"+field(key, val))
		}
	}
	// OR binds looser than the terms added: a q with one is grouped.
	if len(terms) > 1 && terms[0] == strings.TrimSpace(v.Get("q")) && strings.Contains(terms[0], "OR") {
		terms[0] = "(" + terms[0] + ")"
	}
	return strings.Join(terms, " ")
}

// notSeverity is the query that leaves out one severity (severity:X is X
// and worse): -(severity:X -severity:WORSE).
func notSeverity(val string) string {
	sev, err := syslog.ParseSeverity(val)
	if err != nil {
		return "-severity:" + fieldValue(val) // the query's parser says what is wrong
	}
	if sev == 0 {
		return "-severity:" + sev.String()
	}
	return "-(severity:" + sev.String() + " -severity:" + (sev - 1).String() + ")"
}

// fieldValue writes a field's value: as it is when it is one plain word
// or pattern, quoted otherwise.
func fieldValue(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"()\\") {
		return s
	}
	return strconv.Quote(s)
}

// ruleOf reads the form of a rule into a table of the rules file; the
// mute of the rule edited is kept.
func ruleOf(r *http.Request, old *rulesfile.Alert) (rulesfile.Alert, error) {
	f := r.PostForm
	a := rulesfile.Alert{Name: strings.TrimSpace(f.Get("name")), Query: f.Get("query"),
		Window: strings.TrimSpace(f.Get("window")), Repeat: strings.TrimSpace(f.Get("repeat")), Notify: f["notify"]}
	if t := strings.TrimSpace(f.Get("threshold")); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil {
			return a, &errAlert{"threshold: " + strconv.Quote(t) + " is not a number"}
		}
		a.Threshold = &n
	}
	if f.Get("notify_resolved") != "true" {
		no := false
		a.NotifyResolved = &no
	}
	if len(a.Name) > 200 || len(a.Query) > maxParamBytes {
		return a, &errAlert{"a name is at most 200 bytes, a query at most 4096"}
	}
	if old != nil {
		a.MutedUntil = old.MutedUntil
	}
	return a, nil
}
