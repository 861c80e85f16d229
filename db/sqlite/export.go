package sqlite

import (
	"context"
	"fmt"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

// Months returns the months that have a table in r's database, newest
// first.
func (r *Reader) Months(ctx context.Context) ([]db.Month, error) {
	return Months(ctx, r.db)
}

// CountMonth returns how many events month m's table holds.
func (r *Reader) CountMonth(ctx context.Context, m db.Month) (int64, error) {
	n, err := CountEvents(ctx, r.db, m)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", m.Table(), err)
	}
	return n, nil
}

// EventsAfter returns up to limit events of month m's table whose IDs are
// above afterID, in ID order: a month read a batch at a time, every
// column, for a copy into another store. A row whose ReceivedAt or
// DeviceReportedTime is not a time is an error, not a zero time.
func (r *Reader) EventsAfter(ctx context.Context, m db.Month, afterID int64, limit int) ([]search.Event, error) {
	rows, err := forMonth(r.db, m).EventsAfter(ctx, dbsqlc.EventsAfterParams{AfterID: afterID, Lim: int64(limit)})
	if err != nil {
		return nil, fmt.Errorf("read %s after ID %d: %w", m.Table(), afterID, err)
	}
	events := make([]search.Event, len(rows))
	for i := range rows {
		if events[i], err = exportEvent(m, &rows[i]); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// exportEvent is eventOf, failing on a time it cannot read.
func exportEvent(m db.Month, r *dbsqlc.SystemEvent) (search.Event, error) {
	e := eventOf(m, r)
	var err error
	if e.ReceivedAt, err = ParseTime(r.ReceivedAt); err != nil {
		return e, fmt.Errorf("%s ID %d: ReceivedAt: %w", m.Table(), r.ID, err)
	}
	if r.DeviceReportedTime.Valid {
		if e.DeviceReportedTime, err = ParseTime(r.DeviceReportedTime.String); err != nil {
			return e, fmt.Errorf("%s ID %d: DeviceReportedTime: %w", m.Table(), r.ID, err)
		}
	}
	return e, nil
}
