package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
)

type health struct {
	OK     bool    `json:"ok"`
	Newest *string `json:"newest"`
	Error  string  `json:"error,omitempty"`
}

// healthz answers GET /healthz, without a login, for monitoring: the
// server is up, and when the newest stored event was received (null when
// nothing is stored, or there is no database yet). A database that cannot
// be read is ok: false, 503.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	reader, err := s.Reader(r.Context())
	if errors.Is(err, db.ErrNoDatabase) {
		writeJSON(w, http.StatusOK, health{OK: true})
		return
	}
	var h health
	if err == nil {
		var t time.Time
		var ok bool
		if t, ok, err = reader.Newest(r.Context()); ok {
			at := t.UTC().Format(time.RFC3339Nano)
			h.Newest = &at
		}
	}
	if err != nil {
		s.log.Error("healthz", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, health{Error: "the database cannot be read (see the server's log)"})
		return
	}
	h.OK = true
	writeJSON(w, http.StatusOK, h)
}
