package web

import (
	"net/http"
	"strconv"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

const (
	defaultTop = 10
	maxTop     = 100
)

// facetValue is one value of /api/facets: for severity and facility the
// value is the code, and name its name (err, local0).
type facetValue struct {
	Value any    `json:"value"`
	Name  string `json:"name,omitempty"`
	Count int64  `json:"count"`
}

type facetsAnswer struct {
	Field  string       `json:"field"`
	Values []facetValue `json:"values"`
}

// apiFacets answers GET /api/facets: the top values of one field among
// the events that match, with their counts.
func (s *Server) apiFacets(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	field, err := search.ParseField(v.Get("field"))
	if err != nil {
		s.fail(w, r, badParam("field", "%v", err))
		return
	}
	top := defaultTop
	if t := v.Get("top"); t != "" {
		if top, err = strconv.Atoi(t); err != nil || top < 1 || top > maxTop {
			s.fail(w, r, badParam("top", "%q: want 1 to %d", t, maxTop))
			return
		}
	}
	q, reader, r, done, ok := s.begin(w, r)
	if !ok {
		return
	}
	defer done()
	values, err := reader.Facets(r.Context(), q, field, top)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := facetsAnswer{Field: field.String(), Values: make([]facetValue, 0, len(values))}
	for _, fv := range values {
		a.Values = append(a.Values, s.facetValue(field, fv))
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) facetValue(field search.Field, fv search.FacetValue) facetValue {
	code, err := strconv.Atoi(fv.Value)
	switch {
	case field == search.FieldSeverity && err == nil:
		return facetValue{Value: code, Name: syslog.Severity(code).String(), Count: fv.Count}
	case field == search.FieldFacility && err == nil:
		return facetValue{Value: code, Name: syslog.Facility(code).String(), Count: fv.Count}
	}
	return facetValue{Value: s.redactor.value(fv.Value), Count: fv.Count}
}
