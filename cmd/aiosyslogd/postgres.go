package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// openPostgres opens the PostgreSQL store of cfg's [postgresql] (enabled):
// it makes the schema and this month's and the next month's partitions,
// and drops the months past retention_months.
func openPostgres(ctx context.Context, cfg *Config, logger *slog.Logger) (*postgres.Store, error) {
	s, err := postgres.Open(ctx, postgres.Options{DSN: cfg.PostgreSQL.DSN, PasswordFile: cfg.PostgreSQL.PasswordFile})
	if err != nil {
		return nil, fmt.Errorf("postgresql: %w", err)
	}
	s.Logger = logger
	s.SetRetentionMonths(cfg.PostgreSQL.RetentionMonths)
	if _, err := s.Prune(ctx, db.MonthOf(time.Now())); err != nil {
		s.Close()
		return nil, fmt.Errorf("postgresql: %w", err)
	}
	logger.Info("storing in PostgreSQL", "batch_size", cfg.PostgreSQL.BatchSize, "batch_timeout", cfg.PostgreSQL.BatchTimeout,
		"retention_months", cfg.PostgreSQL.RetentionMonths)
	return s, nil
}

// openPostgresReader opens the database search reads: read_dsn, else dsn.
func openPostgresReader(ctx context.Context, cfg *Config) (*postgres.Reader, error) {
	r, err := postgres.OpenReader(ctx, postgres.Options{DSN: cfg.PostgresReadDSN(), PasswordFile: cfg.PostgreSQL.PasswordFile})
	if err != nil {
		return nil, fmt.Errorf("postgresql: %w", err)
	}
	return r, nil
}

// postgresSearchConfig returns the configuration, and true, when search
// reads PostgreSQL: postgresql.enabled, and no --db naming an SQLite file.
func postgresSearchConfig(c *cli.Context) (*Config, bool, error) {
	if c.IsSet("db") {
		return nil, false, nil
	}
	cfg, _, err := loadConfigNoCreate(c)
	if err != nil {
		return nil, false, err
	}
	return &cfg, cfg.PostgreSQL.Enabled, nil
}

// searchPostgres is search on PostgreSQL: the events, their count, or
// the last ones and then those stored after (--follow).
func searchPostgres(ctx context.Context, c *cli.Context, cfg *Config, q search.Query, out *printer) error {
	reader, err := openPostgresReader(ctx, cfg)
	if err != nil {
		return searchFail("%v", err)
	}
	defer reader.Close()
	switch {
	case c.Bool("count"):
		return searchCount(ctx, c, reader, q)
	case c.Bool("follow"):
		return followPostgres(ctx, c, reader, q, out)
	}
	return searchPrint(ctx, reader, q, out)
}

// followPostgres prints the last events that match q, then the new ones
// as they are committed, until ctx ends.
func followPostgres(ctx context.Context, c *cli.Context, reader *postgres.Reader, q search.Query, out *printer) error {
	n := followBacklog
	if c.IsSet("limit") {
		n = q.Limit
	}
	print := func(e search.Event) error {
		if err := out.print(&e); err != nil {
			return err
		}
		return out.Flush()
	}
	from, err := reader.TailSnapshot(ctx, q, n, print)
	if err == nil {
		err = reader.FollowSnapshot(ctx, q, from, followInterval, print)
	}
	if err != nil && ctx.Err() == nil {
		return searchFail("%v", err)
	}
	return nil
}
