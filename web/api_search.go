package web

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// searchPage is the answer of /api/search.
type searchPage struct {
	Events []json.RawMessage `json:"events"`
	Next   *string           `json:"next"` // the cursor of the next page; null on the last
}

// apiSearch answers GET /api/search: one page of the events that match,
// each in the form of `aiosyslogd search -o json`.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q, reader, r, done, ok := s.begin(w, r)
	if !ok {
		return
	}
	defer done()
	page := searchPage{Events: []json.RawMessage{}}
	var last search.Event
	err := reader.Search(r.Context(), q, func(e search.Event) error {
		last = e
		b, err := s.eventJSON(&e)
		page.Events = append(page.Events, b)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(page.Events) == q.Limit {
		next := last.CursorBy(q.Time).String()
		page.Next = &next
	}
	writeJSON(w, http.StatusOK, page)
}

// eventJSON is e, redacted when configured, in its JSON form.
func (s *Server) eventJSON(e *search.Event) (json.RawMessage, error) {
	s.redactor.event(e)
	return e.MarshalJSON()
}

// begin reads the query of an API request and the database to answer it
// from, and takes one of the user's search slots (waiting for one). The
// request it returns carries a context bounded by RequestTime, waiting
// included; done releases the slot. ok is false when it has answered the
// request already (a bad parameter, no database, no slot in time).
func (s *Server) begin(w http.ResponseWriter, r *http.Request) (search.Query, db.Browser, *http.Request, context.CancelFunc, bool) {
	q, err := s.parseQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return q, nil, r, nil, false
	}
	reader, err := s.Reader(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return q, nil, r, nil, false
	}
	r, done, err := s.searchSlot(r)
	if err != nil {
		s.fail(w, r, err)
		return q, nil, r, nil, false
	}
	return q, reader, r, done, true
}

// searchSlot takes one of the user's search slots for r, waiting for one,
// and bounds r's context by RequestTime, waiting included. done releases
// both; on an error there is nothing to release.
func (s *Server) searchSlot(r *http.Request) (*http.Request, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(r.Context(), s.requestTime())
	r = r.WithContext(ctx)
	release, err := s.userSearches.acquire(ctx, currentUser(r).Name, true)
	if err != nil {
		cancel()
		return r, nil, err
	}
	return r, func() { release(); cancel() }, nil
}
