package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// apiExport answers GET /api/export?format=ndjson|csv: every event that
// matches (or limit=N of them), streamed as it is read, in the JSON form
// of `search -o json` (one object a line) or as CSV with a header row. At
// most MaxExports run at once (429 beyond), each for at most ExportTime;
// a client that goes away ends its export.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "ndjson"
	}
	if format != "ndjson" && format != "csv" {
		s.fail(w, r, badParam("format", "%q: want ndjson or csv", format))
		return
	}
	select {
	case s.exports <- struct{}{}:
		defer func() { <-s.exports }()
	default:
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("%d exports are running, the most this server allows; try again when one ends", cap(s.exports)))
		return
	}
	release, err := s.userExports.acquire(r.Context(), currentUser(r).Name, false)
	if err != nil {
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("you have %d exports running, the most one user may; try again when one ends", s.userExports.limit))
		return
	}
	defer release()
	q, err := s.parseQuery(r)
	if r.URL.Query().Get("limit") == "" {
		q.Limit = 0 // every match
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reader, err := s.Reader(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), orDefault(s.cfg.ExportTime, DefaultExportTime))
	defer cancel()
	write, flush := s.exportWriter(w, format)
	err = reader.Search(ctx, q, func(e search.Event) error { return write(&e) })
	if ferr := flush(); err == nil {
		err = ferr
	}
	if err != nil && r.Context().Err() == nil {
		// The status is sent: the export ends short, and says why.
		s.log.Warn("export ended early", "error", err)
		if format == "ndjson" {
			fmt.Fprintf(w, "{\"error\": %q}\n", "export ended early: "+err.Error())
		}
	}
}

// exportWriter sets the export's headers and returns how to write one
// event and how to flush what is buffered.
func (s *Server) exportWriter(w http.ResponseWriter, format string) (write func(*search.Event) error, flush func() error) {
	name := "aiosyslogd-" + time.Now().UTC().Format("20060102T150405Z") + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	buf := bufio.NewWriterSize(w, 64<<10)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		cw := csv.NewWriter(buf)
		cw.Write(search.CSVHeader)
		var row []string
		return func(e *search.Event) error {
				s.redactor.event(e)
				row = e.CSVRecord(row[:0])
				return cw.Write(row)
			}, func() error {
				cw.Flush()
				if err := cw.Error(); err != nil {
					return err
				}
				return buf.Flush()
			}
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	return func(e *search.Event) error {
		b, err := s.eventJSON(e)
		if err == nil {
			buf.Write(b)
			err = buf.WriteByte('\n')
		}
		return err
	}, buf.Flush
}

// apiEvent answers GET /api/event?table=T&id=N: one stored event, in its
// JSON form, or with format=rfc5424 as the line `search -o rfc5424`
// prints (the page's "copy as RFC 5424").
func (s *Server) apiEvent(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	id, err := strconv.ParseInt(v.Get("id"), 10, 64)
	if err != nil {
		s.fail(w, r, badParam("id", "%q is not an event ID", v.Get("id")))
		return
	}
	reader, err := s.Reader(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, ok, err := reader.Event(r.Context(), v.Get("table"), id)
	switch {
	case err != nil:
		s.fail(w, r, err)
		return
	case !ok:
		writeError(w, http.StatusNotFound, fmt.Sprintf("no event %d in table %q", id, v.Get("table")))
		return
	}
	b, err := s.eventJSON(&e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Get("format") == "rfc5424" {
		m := e.SyslogMessage()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(append(m.AppendRFC5424(nil), '\n'))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(b, '\n'))
}
