package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// apiTail answers GET /api/tail: a Server-Sent Events stream of the
// events that match as they are stored, one "message" event each, its id
// the event's cursor. A browser that reconnects (after a restart of web,
// or a dropped connection) sends the last id as Last-Event-ID and the
// stream goes on after it, missing nothing; from=CURSOR does the same for
// a new connection. Without either, the stream starts with the newest
// backlog=N (0 to 1000, default 0) events stored, then what is stored
// next. At most MaxStreams streams are open at once.
func (s *Server) apiTail(w http.ResponseWriter, r *http.Request) {
	select {
	case s.streams <- struct{}{}:
		defer func() { <-s.streams }()
	default:
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("%d live tails are open already, the most this server allows", cap(s.streams)))
		return
	}
	release, err := s.userStreams.acquire(r.Context(), currentUser(r).Name, false)
	if err != nil {
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("you have %d live tails open, the most one user may: close one first", s.userStreams.limit))
		return
	}
	defer release()
	q, err := s.parseQuery(r)
	var backlog int
	var after search.Cursor
	if err == nil {
		backlog, err = parseBacklog(r.URL.Query().Get("backlog"))
	}
	if err == nil {
		after, err = tailCursor(r)
	}
	var reader db.Browser
	if err == nil {
		reader, err = s.Reader(r.Context())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no") // a proxy in front must not hold events back
	w.WriteHeader(http.StatusOK)
	st := &sseWriter{w: w, rc: http.NewResponseController(w)}
	if err := st.send("retry: 2000\n\n"); err != nil {
		return
	}
	if after.IsZero() {
		after, err = reader.Tail(r.Context(), q, backlog, func(e search.Event) error { return s.sendEvent(st, &e) })
		if err != nil {
			s.streamFailed(st, err)
			return
		}
	}
	s.stream(r.Context(), func() error { return stillAllowed(r) }, reader, q, after, st)
}

func parseBacklog(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxLimit {
		return 0, badParam("backlog", "%q: want 0 to %d", v, maxLimit)
	}
	return n, nil
}

// tailCursor is where a stream continues: after Last-Event-ID or from;
// the zero Cursor for a new stream.
func tailCursor(r *http.Request) (search.Cursor, error) {
	token := r.Header.Get("Last-Event-ID")
	if token == "" {
		token = r.URL.Query().Get("from")
	}
	c, err := search.ParseCursor(token)
	if err == nil {
		err = db.CheckCursor(c)
	}
	if err != nil {
		return search.Cursor{}, &badRequest{"from: " + err.Error()}
	}
	return c, nil
}

// sendEvent sends one event of a stream.
func (s *Server) sendEvent(st *sseWriter, e *search.Event) error {
	b, err := s.eventJSON(e)
	if err != nil {
		return err
	}
	return st.send("id: " + e.Cursor().String() + "\ndata: " + string(b) + "\n\n")
}

// streamFailed ends a stream on an error of the database: logged, and
// sent as a "failure" event (the page shows it and reconnects).
func (s *Server) streamFailed(st *sseWriter, err error) {
	s.log.Warn("live tail ended", "error", err)
	st.send("event: failure\ndata: " + strings.ReplaceAll(err.Error(), "\n", " ") + "\n\n")
}

// stream sends the events Follow finds, and a comment every
// tailHeartbeat, until the client goes, the server shuts down or allowed
// fails (the session or token has ended).
func (s *Server) stream(ctx context.Context, allowed func() error, reader db.Browser, q search.Query, after search.Cursor, st *sseWriter) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the heartbeat: ends with the stream
		defer wg.Done()
		tick := time.NewTicker(tailHeartbeat)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				// A session or token ended meanwhile loses the stream.
				if allowed() != nil || st.send(": ping\n\n") != nil {
					cancel()
					return
				}
			}
		}
	}()
	err := reader.Follow(ctx, q, after, orDefault(s.cfg.TailInterval, tailInterval), func(e search.Event) error {
		return s.sendEvent(st, &e)
	})
	failed := err != nil && ctx.Err() == nil
	cancel()
	wg.Wait()
	if failed {
		s.streamFailed(st, err)
	}
}

// sseWriter writes a stream's text from two goroutines, one at a time,
// flushing each piece.
type sseWriter struct {
	mu sync.Mutex
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (st *sseWriter) send(text string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, err := st.w.Write([]byte(text)); err != nil {
		return err
	}
	return st.rc.Flush()
}
