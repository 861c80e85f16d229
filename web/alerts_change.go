package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/rulesfile"
)

// alertChange is one change of the rules file, made from a request: what
// was done, or why not.
type alertChange func(s *Server, r *http.Request) (notice string, err error)

// alertSave creates a rule, or replaces the one named original (the form
// of GET /alerts/edit), keeping its mute.
func alertSave(s *Server, r *http.Request) (string, error) {
	original := r.PostFormValue("original")
	var made rulesfile.Alert
	err := s.changeRules(func(f *rulesfile.File) error {
		i := -1
		if original != "" {
			if i = findTable(f.Alerts, original); i < 0 {
				return &errAlert{fmt.Sprintf("no rule of the rules file is named %q (deleted meanwhile?)", original)}
			}
		}
		var old *rulesfile.Alert
		if i >= 0 {
			old = &f.Alerts[i]
		}
		a, err := ruleOf(r, old)
		if err != nil {
			return err
		}
		if j := findTable(f.Alerts, a.Name); j >= 0 && j != i {
			return &errAlert{fmt.Sprintf("%q is the name of another rule: names must be unique", a.Name)}
		}
		made = a
		if i >= 0 {
			f.Alerts[i] = a
		} else {
			f.Alerts = append(f.Alerts, a)
		}
		return nil
	})
	if original != "" {
		return fmt.Sprintf("Saved %q: serve applies it within seconds.", made.Name), err
	}
	return fmt.Sprintf("Created %q: serve applies it within seconds.", made.Name), err
}

// alertDelete deletes the rule name of the rules file.
func alertDelete(s *Server, r *http.Request) (string, error) {
	name := r.PostFormValue("name")
	return fmt.Sprintf("Deleted %q.", name), s.changeRules(func(f *rulesfile.File) error {
		i := findTable(f.Alerts, name)
		if i < 0 {
			return &errAlert{fmt.Sprintf("no rule of the rules file is named %q", name)}
		}
		f.Alerts = slices.Delete(f.Alerts, i, i+1)
		return nil
	})
}

// muteFor are the durations of the mute menu; forever mutes until
// unmuted, off unmutes.
var muteFor = map[string]time.Duration{"1h": time.Hour, "8h": 8 * time.Hour, "24h": 24 * time.Hour}

// alertMute mutes the rule name for the form's for (1h, 8h, 24h,
// forever), or unmutes it (off): a rule of the rules file by its
// muted_until, one of the configuration by a [[mute]] of the rules file
// (the configuration itself is never written; a muted_until there stays).
func alertMute(s *Server, r *http.Request) (string, error) {
	name, length := r.PostFormValue("name"), r.PostFormValue("for")
	var until *time.Time
	notice := fmt.Sprintf("Unmuted %q.", name)
	switch d, ok := muteFor[length]; {
	case ok:
		t := time.Now().Add(d).UTC().Truncate(time.Second)
		until, notice = &t, fmt.Sprintf("Muted %q until %s.", name, t.Format("2006-01-02 15:04 UTC"))
	case length == "forever":
		t := alert.Forever
		until, notice = &t, fmt.Sprintf("Muted %q until unmuted.", name)
	case length == "off":
	default:
		return "", &errAlert{fmt.Sprintf("for = %q: want 1h, 8h, 24h, forever or off", length)}
	}
	return notice, s.changeRules(func(f *rulesfile.File) error {
		if i := findTable(f.Alerts, name); i >= 0 { // the page's rule keeps its own
			f.Alerts[i].MutedUntil = until
			return nil
		}
		if !slices.ContainsFunc(s.cfg.Alerts.ConfigRules, func(a rulesfile.Alert) bool { return a.Name == name }) {
			return &errAlert{fmt.Sprintf("no rule is named %q", name)}
		}
		// A rule of the configuration: a [[mute]] of the rules file.
		f.Mutes = slices.DeleteFunc(f.Mutes, func(m rulesfile.Mute) bool { return m.Alert == name })
		if until != nil {
			f.Mutes = append(f.Mutes, rulesfile.Mute{Alert: name, Until: *until})
		}
		return nil
	})
}

// alertFormPost answers a form of the page: the alerts page with what
// happened, or the rule's form again with the mistake.
func (s *Server) alertFormPost(change alertChange) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		notice, err := change(s, r)
		var mistake *errAlert
		switch {
		case err == nil:
			s.log.Info("alert rules changed", "by", currentUser(r).Name, "change", notice)
			s.showAlerts(w, r, http.StatusOK, notice, "")
		case errors.As(err, &mistake) && r.URL.Path == "/alerts/save":
			f := alertForm{Original: r.PostFormValue("original"), Name: r.PostFormValue("name"), Query: r.PostFormValue("query"),
				Threshold: r.PostFormValue("threshold"), Window: r.PostFormValue("window"), Repeat: r.PostFormValue("repeat"),
				NotifyResolved: r.PostFormValue("notify_resolved") == "true", Notifiers: s.notifierOptions(r.PostForm["notify"])}
			s.renderAlertForm(w, r, http.StatusBadRequest, f, err.Error())
		case errors.As(err, &mistake):
			s.showAlerts(w, r, http.StatusBadRequest, "", err.Error())
		default:
			s.log.Error("change the rules file", "error", err)
			s.showAlerts(w, r, http.StatusInternalServerError, "", "The rules file cannot be written; see the server's log.")
		}
	}
}

// alertAPIPost answers a change through the API: the rules after it, or
// {"error"} (400 for the admin's mistake).
func (s *Server) alertAPIPost(change alertChange) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		notice, err := change(s, r)
		var mistake *errAlert
		switch {
		case err == nil:
			s.log.Info("alert rules changed", "by", currentUser(r).Name, "change", notice)
			s.apiAlerts(w, r)
		case errors.As(err, &mistake):
			writeError(w, http.StatusBadRequest, err.Error())
		default:
			s.fail(w, r, err)
		}
	}
}
