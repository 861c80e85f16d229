package web

import (
	"net/http"
	"strconv"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

const (
	defaultValues = 20
	maxValues     = 200
)

type valuesAnswer struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// apiValues answers GET /api/values?field=host|tag&prefix=…&limit=N: the
// known hosts or tags of the newest months that start with prefix, in
// order, for the query bar's suggestions after host: and tag:.
func (s *Server) apiValues(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	field, err := search.ParseField(v.Get("field"))
	if err != nil || field != search.FieldHost && field != search.FieldTag {
		s.fail(w, r, badParam("field", "%q: want host or tag", v.Get("field")))
		return
	}
	limit := defaultValues
	if l := v.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > maxValues {
			s.fail(w, r, badParam("limit", "%q: want 1 to %d", l, maxValues))
			return
		}
	}
	prefix := v.Get("prefix")
	if len(prefix) > maxParamBytes {
		s.fail(w, r, badParam("prefix", "longer than %d bytes", maxParamBytes))
		return
	}
	if s.redactor != nil && s.redactor.masks(prefix) {
		s.fail(w, r, refuseTerm("prefix="+prefix))
		return
	}
	reader, err := s.Reader(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	values, err := reader.Values(r.Context(), field, prefix, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, valuesAnswer{Field: field.String(), Values: s.maskValues(values)})
}

// maskValues redacts values, once each: masked addresses come out alike.
func (s *Server) maskValues(values []string) []string {
	out := make([]string, 0, len(values))
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if v = s.redactor.value(v); !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
