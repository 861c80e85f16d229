package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// rangePresets are the time ranges of the page's menu: since=VALUE.
var rangePresets = []option{
	{Value: "15m", Label: "last 15 minutes"}, {Value: "1h", Label: "last hour"},
	{Value: "24h", Label: "last 24 hours"}, {Value: "7d", Label: "last 7 days"},
	{Value: "all", Label: "all time"}, {Value: "custom", Label: "custom…"},
}

// defaultRange is the range of the page opened without parameters.
const defaultRange = "24h"

// option is one entry of a menu.
type option struct {
	Value, Label string
	Selected     bool
}

type hiddenField struct{ Name, Value string }

// searchForm is the query form as the URL has it.
type searchForm struct {
	Q, Since, Until, Host, Tag, TZ string
	Ranges, Facilities, Severities []option
	Hidden                         []hiddenField // the exclusions, live and time, kept across a new search
}

// searchShow answers GET /: the search page. Its form is a GET form, so
// that the URL holds the whole view: a link reproduces it and Back goes to
// the one before. The page's script asks the API for the results,
// histogram and facets of the same parameters.
func (s *Server) searchShow(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	if clean, changed := normalizeSearchURL(v, r.URL.RawQuery == ""); changed {
		http.Redirect(w, r, "/?"+clean.Encode(), http.StatusSeeOther)
		return
	}
	data := pageData{Title: "Search", Form: newSearchForm(v), Help: newQueryHelp(), Database: s.cfg.Database,
		View: r.URL.RawQuery}
	if _, err := s.Reader(r.Context()); errors.Is(err, db.ErrNoDatabase) {
		data.NoData = true
	}
	s.render(w, r, http.StatusOK, "search.html", data)
}

// normalizeSearchURL turns what the form submits into the URL of the view:
// range=PRESET becomes since=PRESET (range=all: no since), empty
// parameters go. A page opened without parameters shows the last 24 hours.
func normalizeSearchURL(v url.Values, bare bool) (url.Values, bool) {
	if bare {
		return url.Values{"since": {defaultRange}}, true
	}
	changed := false
	if rng, ok := v["range"]; ok {
		switch preset := rng[0]; preset {
		case "custom":
		case "all":
			v.Del("since")
			v.Del("until")
		default:
			v.Set("since", preset)
			v.Del("until")
		}
		v.Del("range")
		changed = true
	}
	for key, vals := range v {
		if kept := slices.DeleteFunc(slices.Clone(vals), func(s string) bool { return s == "" }); len(kept) != len(vals) {
			changed = true
			if len(kept) == 0 {
				v.Del(key)
			} else {
				v[key] = kept
			}
		}
	}
	return v, changed
}

func newSearchForm(v url.Values) searchForm {
	f := searchForm{Q: v.Get("q"), Since: v.Get("since"), Until: v.Get("until"), Host: v.Get("host"), Tag: v.Get("tag"), TZ: v.Get("tz")}
	current := "custom"
	if f.Until == "" && slices.ContainsFunc(rangePresets, func(o option) bool { return o.Value == f.Since }) {
		current = f.Since
	} else if f.Since == "" && f.Until == "" {
		current = "all"
	}
	for _, o := range rangePresets {
		o.Selected = o.Value == current
		f.Ranges = append(f.Ranges, o)
	}
	facility, _ := syslog.ParseFacility(v.Get("facility"))
	for code := range 24 {
		name := syslog.Facility(code).String()
		f.Facilities = append(f.Facilities, option{Value: name, Label: name, Selected: v.Get("facility") != "" && int(facility) == code})
	}
	severity, _ := syslog.ParseSeverity(v.Get("severity"))
	for code := range 8 {
		name := syslog.Severity(code).String()
		label := name + " and worse"
		if code == 0 {
			label = name
		}
		f.Severities = append(f.Severities, option{Value: name, Label: strconv.Itoa(code) + " " + label, Selected: v.Get("severity") != "" && int(severity) == code})
	}
	for _, key := range []string{"not_host", "not_tag", "not_facility", "not_severity", "live", "time"} {
		for _, val := range v[key] {
			f.Hidden = append(f.Hidden, hiddenField{key, val})
		}
	}
	return f
}
