package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// apiError is the body of every API error: {"error": "…"}, and for a query
// that does not parse the column where it goes wrong (1 for the first
// character of q).
type apiError struct {
	Error  string `json:"error"`
	Column int    `json:"column,omitempty"`
}

// writeError answers {"error": msg} with status.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// badRequest is an error in what the client sent: answered 400 with its
// message.
type badRequest struct{ msg string }

// Error is the message, as the client sees it.
func (e *badRequest) Error() string { return e.msg }

// fail answers err: 400 for a bad query or parameter (the same words as
// `aiosyslogd search`), 503 when there is no database yet or the request
// ran out of time, 500 otherwise (logged; the client sees a generic
// message).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var bad *search.BadQueryError
	var br *badRequest
	var qe *query.Error
	switch {
	case errors.As(err, &qe):
		writeJSON(w, http.StatusBadRequest, apiError{Error: "bad query: " + qe.Error(), Column: qe.Column})
	case errors.As(err, &bad), errors.As(err, &br):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, db.ErrNoDatabase):
		writeError(w, http.StatusServiceUnavailable, err.Error())
	case errors.Is(r.Context().Err(), context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("the search took longer than %s, the most this server allows "+
			"(or waited that long for others to end): narrow the time range or the query, or try again", s.requestTime()))
	case r.Context().Err() != nil:
		// The client went away: nobody reads the answer.
		writeError(w, http.StatusServiceUnavailable, "request cancelled: "+r.Context().Err().Error())
	default:
		s.log.Error("request failed", "path", r.URL.Path, "error", err)
		writeError(w, http.StatusInternalServerError, "internal error (logged by the server)")
	}
}

// discardLogger is the logger of a Server made without one.
var discardLogger = slog.New(slog.DiscardHandler)
