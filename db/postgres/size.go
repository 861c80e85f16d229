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

// DataDirectory returns the server's data directory; only superusers and
// members of pg_read_all_settings may read it.
func (r *Reader) DataDirectory(ctx context.Context) (string, error) {
	dir, err := pgsqlc.New(r.pool).DataDirectory(ctx)
	if err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	return dir, nil
}
