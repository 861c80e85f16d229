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

// searchPostgres is search on PostgreSQL: the events, or their count.
// --follow is not built for PostgreSQL yet.
func searchPostgres(ctx context.Context, c *cli.Context, cfg *Config, q search.Query, out *printer) error {
	if c.Bool("follow") {
		return searchFail("--follow does not read PostgreSQL yet (a preview: see README, PostgreSQL)")
	}
	reader, err := openPostgresReader(ctx, cfg)
	if err != nil {
		return searchFail("%v", err)
	}
	defer reader.Close()
	if c.Bool("count") {
		return searchCount(ctx, c, reader, q)
	}
	return searchPrint(ctx, reader, q, out)
}
