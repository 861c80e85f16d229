package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	sqlsrc "github.com/aiosyslogd/aiosyslogd/sql"
)

// batchKeyAge is how long the key of a stored batch is kept: far longer
// than any retry of it takes.
const batchKeyAge = 24 * time.Hour

// Store writes batches of rows into a PostgreSQL database. It implements
// ingest.Store; Write is called by one goroutine at a time.
type Store struct {
	pool *pgxpool.Pool
	// Logger reports what Write does besides writing; nil = slog.Default().
	Logger *slog.Logger

	retention retention                   // SetRetentionMonths
	known     map[db.Month]bool           // partitions known to exist
	current   db.Month                    // the newest month written, or the month Open ran in
	months    []db.Month                  // scratch: the months of a batch not known before it
	params    []pgsqlc.InsertEventsParams // scratch: a batch's rows, reused

	// pending is the batch whose last Write failed, and its key: the
	// pipeline retries the same slice, which gets the same key.
	pending struct {
		first *search.Row
		n     int
		key   [16]byte
	}
	// commit ends a batch's transaction; tests replace it to lose a
	// COMMIT's answer.
	commit func(context.Context, pgx.Tx) error
}

// Open connects to the database of o, makes the schema when it is missing
// (sql/postgres/schema.sql) and the partitions of this month and the next.
func Open(ctx context.Context, o Options) (*Store, error) {
	pool, err := open(ctx, o)
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool, known: map[db.Month]bool{}, commit: func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) }}
	if err := s.prepare(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// prepare runs the schema, makes this month's and the next month's
// partitions ahead, and forgets old batch keys.
func (s *Store) prepare(ctx context.Context) error {
	// One multi-statement query: PostgreSQL runs it as one transaction.
	if _, err := s.pool.Exec(ctx, sqlsrc.PostgresSchema, pgx.QueryExecModeSimpleProtocol); err != nil {
		return fmt.Errorf("create the schema (sql/postgres/schema.sql): %w", err)
	}
	now := db.MonthOf(time.Now())
	s.current = now
	for _, m := range []db.Month{now, now.Next()} {
		if err := s.createMonth(ctx, m); err != nil {
			return err
		}
	}
	if _, err := pgsqlc.New(s.pool).DeleteBatchesBefore(ctx, time.Now().Add(-batchKeyAge)); err != nil {
		return fmt.Errorf("forget old batch keys: %w", err)
	}
	return nil
}

// createMonth makes month m's partition unless it exists, in a
// transaction of its own (the function's advisory lock lasts until its
// end).
func (s *Store) createMonth(ctx context.Context, m db.Month) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		created, err := pgsqlc.New(tx).CreateMonth(ctx, m.Start())
		if err == nil && created {
			s.logger().Info("made month partition", "table", strings.ToLower(m.Table()))
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("make partition %s: %w", strings.ToLower(m.Table()), err)
	}
	s.known[m] = true
	return nil
}

// Close closes every connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Write stores batch in one transaction: its key (Batches), then its rows
// by COPY. When a batch with the same key is stored already (an earlier
// attempt committed, but its answer was lost), it stores nothing and
// returns nil.
func (s *Store) Write(ctx context.Context, batch []search.Row) error {
	if len(batch) == 0 {
		return nil
	}
	if err := s.createMonths(ctx, batch); err != nil {
		return err
	}
	key, err := s.keyOf(batch)
	if err != nil {
		return err
	}
	if err := s.writeBatch(ctx, key, batch); err != nil {
		return err
	}
	s.pending.first, s.pending.n = nil, 0
	s.monthBegun(ctx, batch)
	return nil
}

// monthBegun notices a batch received in a month after the newest one
// written so far: the next month's partition is then made ahead, and the
// months past retention are dropped. The batch is stored, so a failure
// here is only logged; both are tried again at the next month and start.
func (s *Store) monthBegun(ctx context.Context, batch []search.Row) {
	newest := s.current
	for i := range batch {
		if m := db.MonthOf(batch[i].ReceivedAt); newest.Before(m) {
			newest = m
		}
	}
	if newest == s.current {
		return
	}
	s.current = newest
	if !s.known[newest.Next()] {
		if err := s.createMonth(ctx, newest.Next()); err != nil {
			s.logger().Error("make the next month's partition ahead", "error", err)
		}
	}
	if s.RetentionMonths() > 0 {
		if _, err := s.Prune(ctx, newest); err != nil {
			s.logger().Error("prune old months", "error", err)
		}
	}
}

func compareMonths(a, b db.Month) int { return a.Start().Compare(b.Start()) }

// keyOf returns batch's key: the pending one when batch is the batch
// whose last Write failed, else a new random one, pending until a Write
// of batch succeeds.
func (s *Store) keyOf(batch []search.Row) ([16]byte, error) {
	if s.pending.first == &batch[0] && s.pending.n == len(batch) {
		return s.pending.key, nil
	}
	var key [16]byte
	if _, err := rand.Read(key[:]); err != nil {
		return key, fmt.Errorf("batch key: %w", err)
	}
	key[6] = key[6]&0x0f | 0x40 // a version 4 UUID
	key[8] = key[8]&0x3f | 0x80
	s.pending.first, s.pending.n, s.pending.key = &batch[0], len(batch), key
	return key, nil
}

// createMonths makes the partitions of the months of batch not known yet.
func (s *Store) createMonths(ctx context.Context, batch []search.Row) error {
	s.months = s.months[:0]
	for i := range batch {
		if m := db.MonthOf(batch[i].ReceivedAt); !s.known[m] && !slices.Contains(s.months, m) {
			s.months = append(s.months, m)
		}
	}
	for _, m := range s.months {
		if err := s.createMonth(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// errStored ends the transaction of a batch stored before.
var errStored = errors.New("batch stored already")

func (s *Store) writeBatch(ctx context.Context, key [16]byte, batch []search.Row) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // after Commit: does nothing
	q := pgsqlc.New(tx)
	added, err := q.AddBatch(ctx, pgsqlc.AddBatchParams{ID: key, Events: int32(len(batch))})
	if err != nil {
		return fmt.Errorf("record batch key: %w", err)
	}
	if added == 0 {
		s.logger().Info("batch stored already by an earlier attempt: not storing it again", "events", len(batch))
		return nil
	}
	s.params = s.params[:0]
	for i := range batch {
		s.params = append(s.params, paramsOf(&batch[i]))
	}
	n, err := q.InsertEvents(ctx, s.params)
	clear(s.params) // let go of the batch's strings
	if err != nil {
		return fmt.Errorf("copy %d events: %w", len(batch), err)
	}
	if n != int64(len(batch)) {
		return fmt.Errorf("copy: stored %d events of %d", n, len(batch))
	}
	if err := s.commit(ctx, tx); err != nil {
		return fmt.Errorf("commit batch of %d: %w", len(batch), err)
	}
	return nil
}

// paramsOf is r as the columns of its row: the values a query reads
// (db.QueryRecord: FromHost as filled from the source, invalid UTF-8
// replaced), with NUL, which text cannot hold, as U+FFFD; the exact bytes
// are in RawMessage when the message had any.
func paramsOf(r *search.Row) pgsqlc.InsertEventsParams {
	q := db.QueryRecord(r)
	p := pgsqlc.InsertEventsParams{
		Facility: int16(q.Facility), Priority: int16(q.Severity),
		FromHost: noNUL(q.Host), ReceivedAt: r.ReceivedAt.UTC().Truncate(time.Microsecond),
		SysLogTag: noNUL(q.Tag), ProcessID: noNUL(q.PID), MsgID: noNUL(q.MsgID),
		Message: noNUL(q.Message), RawMessage: r.Raw,
	}
	if ts := r.Message.Timestamp; !ts.IsZero() {
		p.DeviceReportedTime = pgtype.Timestamptz{Time: ts.UTC().Truncate(time.Microsecond), Valid: true}
	}
	if q.StructuredData != "" {
		p.StructuredData = pgtype.Text{String: noNUL(q.StructuredData), Valid: true}
	}
	if q.IP != "" {
		p.FromHostIP = pgtype.Text{String: q.IP, Valid: true}
	}
	p.Words = wordsVector(p.Message, p.SysLogTag, p.FromHost)
	return p
}

// maxVectorBytes bounds the words of one row: PostgreSQL refuses a
// tsvector of 1 MiB or more, and one row must never make its batch fail.
// Words past it are not indexed (a search for them reads the row only
// through another condition); messages of the default 64 KiB limit never
// come near.
const maxVectorBytes = 512 << 10

// wordsVector is the tsvector of the words of texts, cut as FTS5 cuts
// them (query.Tokens), each once, without positions: the tree's matcher
// checks the order of a phrase's words. A word longer than PostgreSQL
// indexes is left out, as wordsOf leaves it out of a query.
func wordsVector(texts ...string) pgtype.TSVector {
	var words []string
	for _, t := range texts {
		words = append(words, query.Tokens(t)...)
	}
	slices.Sort(words)
	words = slices.Compact(words)
	v := pgtype.TSVector{Lexemes: make([]pgtype.TSVectorLexeme, 0, len(words)), Valid: true}
	size := 0
	for _, w := range words {
		if len(w) > maxWord {
			continue
		}
		if size += len(w) + 8; size > maxVectorBytes {
			break
		}
		v.Lexemes = append(v.Lexemes, pgtype.TSVectorLexeme{Word: w})
	}
	return v
}

// noNUL is s with each NUL byte as U+FFFD: a separator for the full-text
// index, as NUL is for FTS5.
func noNUL(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

func (s *Store) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
