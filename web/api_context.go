package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// contextAnswer is the answer of /api/context: the event, and the events
// received around it, each list nearest first.
type contextAnswer struct {
	Event  json.RawMessage   `json:"event"`
	Before []json.RawMessage `json:"before"` // older, newest first
	After  []json.RawMessage `json:"after"`  // newer, oldest first
}

// Context sizes: the events on each side by default, and at most.
const (
	defaultContext = 20
	maxContext     = 200
)

// apiContext answers GET /api/context?table=T&id=N[&n=20][&scope=host|all]:
// the event and the n events received right before and after it, from its
// own host (scope=host, the default) or from every host. It searches as
// /api/search pages, from the event's cursor one way and the other.
func (s *Server) apiContext(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	id, err := strconv.ParseInt(v.Get("id"), 10, 64)
	if err != nil {
		s.fail(w, r, badParam("id", "%q is not an event ID", v.Get("id")))
		return
	}
	n, err := contextSize(v.Get("n"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scope := v.Get("scope")
	if scope != "" && scope != "host" && scope != "all" {
		s.fail(w, r, badParam("scope", "%q is neither host nor all", scope))
		return
	}
	reader, err := s.Reader(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r, done, err := s.searchSlot(r) // two searches: one of the user's slots
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer done()
	ctx := r.Context()
	e, ok, err := reader.Event(ctx, v.Get("table"), id)
	switch {
	case err != nil:
		s.fail(w, r, err)
		return
	case !ok:
		writeError(w, http.StatusNotFound, fmt.Sprintf("no event %d in table %q", id, v.Get("table")))
		return
	}
	// The host is compared before the event is redacted: the same host, exactly.
	q := search.Query{Limit: n, After: e.Cursor()}
	if scope != "all" {
		q.Expr = &query.Field{Name: query.Host, Value: e.FromHost, Quoted: true}
	}
	var answer contextAnswer
	if answer.Before, err = s.eventsOf(ctx, reader, q); err == nil {
		q.Order = search.OldestFirst
		answer.After, err = s.eventsOf(ctx, reader, q)
	}
	if err == nil {
		answer.Event, err = s.eventJSON(&e)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// contextSize reads the n of /api/context: 1 to maxContext, default
// defaultContext.
func contextSize(s string) (int, error) {
	if s == "" {
		return defaultContext, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxContext {
		return 0, badParam("n", "%q is not a number from 1 to %d", s, maxContext)
	}
	return n, nil
}

// eventsOf are the events q finds, in their JSON form.
func (s *Server) eventsOf(ctx context.Context, reader db.Browser, q search.Query) ([]json.RawMessage, error) {
	events := []json.RawMessage{}
	err := reader.Search(ctx, q, func(e search.Event) error {
		b, err := s.eventJSON(&e)
		events = append(events, b)
		return err
	})
	return events, err
}
