package postgres

import (
	"context"
	"fmt"

	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
)

// StoredBytes returns the bytes the month partitions take on disk, their
// indexes and TOAST included.
func (r *Reader) StoredBytes(ctx context.Context) (int64, error) {
	n, err := pgsqlc.New(r.pool).StoredBytes(ctx)
	if err != nil {
		return 0, fmt.Errorf("size of the month partitions: %w", err)
	}
	return n, nil
}
