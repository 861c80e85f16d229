package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// CopiedMonth is what a copy has stored of one month of a source: the
// last source ID stored, and how many events.
type CopiedMonth struct {
	LastID, Events int64
}

// ErrCopyMoved is returned, wrapped, by CopyBatch when the month's
// progress is not where the caller read it: another copy of the same
// source stored that batch. Nothing was stored.
var ErrCopyMoved = errors.New("the copy's progress moved: another copy of the same source is running")

// CopyProgress returns what earlier copies of source stored, by month
// (db.Month's String, "2026-11"). A month not in it starts from its
// beginning.
func (s *Store) CopyProgress(ctx context.Context, source string) (map[string]CopiedMonth, error) {
	rows, err := pgsqlc.New(s.pool).CopyProgress(ctx, source)
	if err != nil {
		return nil, fmt.Errorf("read the copy's progress: %w", err)
	}
	out := make(map[string]CopiedMonth, len(rows))
	for _, r := range rows {
		out[r.Month] = CopiedMonth{LastID: r.LastID, Events: r.Events}
	}
	return out, nil
}

// CopyBatch stores events, the next rows of source's month m after ID
// afterID in ID order, in one transaction that also moves the month's
// progress (table Copies) to the last one's ID: a copy killed at any
// point and run again goes on after its last committed batch, each event
// stored once. Each event keeps every column but its ID (PostgreSQL gives
// its own); the text columns are stored as Stored makes them.
func (s *Store) CopyBatch(ctx context.Context, source string, m db.Month, afterID int64, events []search.Event) error {
	if len(events) == 0 {
		return nil
	}
	for i := range events {
		if mm := db.MonthOf(events[i].ReceivedAt); !s.known[mm] {
			if err := s.createMonth(ctx, mm); err != nil {
				return err
			}
		}
	}
	params := make([]pgsqlc.CopyEventsParams, len(events))
	for i := range events {
		params[i] = copyParams(&events[i])
	}
	if err := s.copyBatch(ctx, source, m, afterID, events, params); err != nil {
		return fmt.Errorf("copy %s IDs %d to %d: %w", m.Table(), events[0].ID, events[len(events)-1].ID, err)
	}
	return nil
}

// copyBatch is CopyBatch's transaction.
func (s *Store) copyBatch(ctx context.Context, source string, m db.Month, afterID int64, events []search.Event, params []pgsqlc.CopyEventsParams) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // after Commit: does nothing
	q := pgsqlc.New(tx)
	month := m.String()
	if err := q.StartCopy(ctx, pgsqlc.StartCopyParams{Source: source, Month: month}); err != nil {
		return fmt.Errorf("record the copy of %s: %w", month, err)
	}
	last := events[len(events)-1].ID
	moved, err := q.AdvanceCopy(ctx, pgsqlc.AdvanceCopyParams{
		Source: source, Month: month, AfterID: afterID, LastID: last, Events: int64(len(events)),
	})
	if err != nil {
		return fmt.Errorf("record the copy of %s up to ID %d: %w", month, last, err)
	}
	if moved == 0 {
		return fmt.Errorf("%s after ID %d: %w", month, afterID, ErrCopyMoved)
	}
	n, err := q.CopyEvents(ctx, params)
	if err != nil {
		return fmt.Errorf("copy %d events: %w", len(events), err)
	}
	if n != int64(len(events)) {
		return fmt.Errorf("copy: stored %d events of %d", n, len(events))
	}
	return s.commit(ctx, tx)
}

// copyParams is e as the columns of its row, as Stored says.
func copyParams(e *search.Event) pgsqlc.CopyEventsParams {
	st := Stored(e)
	p := pgsqlc.CopyEventsParams{
		Facility: int16(st.Facility), Priority: int16(st.Severity),
		FromHost: st.FromHost, InfoUnitID: int32(st.InfoUnitID), ReceivedAt: st.ReceivedAt,
		SysLogTag: st.SysLogTag, ProcessID: st.ProcessID, MsgID: st.MsgID,
		Message: st.Message, RawMessage: st.RawMessage,
	}
	if !st.DeviceReportedTime.IsZero() {
		p.DeviceReportedTime = pgtype.Timestamptz{Time: st.DeviceReportedTime, Valid: true}
	}
	if st.StructuredData != "" {
		p.StructuredData = pgtype.Text{String: st.StructuredData, Valid: true}
	}
	if st.FromHostIP != "" {
		p.FromHostIP = pgtype.Text{String: st.FromHostIP, Valid: true}
	}
	p.Words = wordsVector(p.Message, p.SysLogTag, p.FromHost)
	return p
}

// Stored is e as this store holds it: times in UTC to the microsecond,
// text columns valid UTF-8 without NUL (each invalid byte and NUL as
// U+FFFD; the exact bytes of a message that had them are in RawMessage),
// Table and ID left out. A copy compares its sample through it.
func Stored(e *search.Event) search.Event {
	st := *e
	st.Table, st.ID = "", 0
	st.ReceivedAt = e.ReceivedAt.UTC().Truncate(time.Microsecond)
	if !e.DeviceReportedTime.IsZero() {
		st.DeviceReportedTime = e.DeviceReportedTime.UTC().Truncate(time.Microsecond)
	}
	for _, f := range []*string{&st.FromHost, &st.SysLogTag, &st.ProcessID, &st.MsgID, &st.StructuredData, &st.Message, &st.FromHostIP} {
		*f = noNUL(strings.ToValidUTF8(*f, "\uFFFD"))
	}
	if len(st.RawMessage) == 0 {
		st.RawMessage = nil
	}
	return st
}

// CountMonth returns how many events month m's partition holds.
func (s *Store) CountMonth(ctx context.Context, m db.Month) (int64, error) {
	n, err := pgsqlc.New(s.pool).CountMonth(ctx, pgsqlc.CountMonthParams{Since: m.Start(), Until: m.Next().Start()})
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", strings.ToLower(m.Table()), err)
	}
	return n, nil
}

// EventsReceivedAt returns the events received at exactly t (at most
// 1,000), in ID order.
func (s *Store) EventsReceivedAt(ctx context.Context, t time.Time) ([]search.Event, error) {
	rows, err := pgsqlc.New(s.pool).EventsReceivedAt(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("read the events received at %s: %w", t.Format(time.RFC3339Nano), err)
	}
	events := make([]search.Event, len(rows))
	for i := range rows {
		r := pgsqlc.SearchDescRow(rows[i])
		events[i] = eventOf(&r)
	}
	return events, nil
}
