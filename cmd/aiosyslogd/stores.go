package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
)

// This file is where the command picks a store's engine from the
// configuration: web, syslog and db/search know only package db's
// contract (db.Writer, db.Searcher, db.Browser), never which engine
// fulfils it.

// readSource is where a command reads: the configuration's store, or an
// SQLite file named on the command line (search --db, web --database,
// alert test --db), which wins over [postgresql].
type readSource struct {
	cfg  *Config
	file string // the SQLite file the command line names; "" to follow cfg
}

// postgres tells whether the source is PostgreSQL: postgresql.enabled,
// and no SQLite file on the command line.
func (s readSource) postgres() bool { return s.cfg.PostgreSQL.Enabled && s.file == "" }

// sqlitePath is the SQLite file read when the source is not PostgreSQL.
func (s readSource) sqlitePath() string {
	if s.file != "" {
		return s.file
	}
	return s.cfg.SQLite.Database
}

// openReader opens the reader of src: PostgreSQL at read_dsn (else dsn),
// or the SQLite file. conns bounds its connections (searches at once); 0
// is the engine's default. An SQLite file that does not exist, or a
// PostgreSQL database serve has not made the schema in, is an error
// wrapping db.ErrNoDatabase.
func openReader(ctx context.Context, src readSource, conns int) (db.Browser, error) {
	if src.postgres() {
		r, err := postgres.OpenReader(ctx, postgres.Options{DSN: src.cfg.PostgresReadDSN(),
			PasswordFile: src.cfg.PostgreSQL.PasswordFile, MaxConns: int32(conns)})
		if errors.Is(err, postgres.ErrNoSchema) {
			return nil, fmt.Errorf("postgresql: %w (%w)", db.ErrNoDatabase, err)
		}
		if err != nil {
			return nil, fmt.Errorf("postgresql: %w", err)
		}
		return r, nil
	}
	r, err := sqlite.OpenReader(ctx, src.sqlitePath())
	if err != nil {
		return nil, err
	}
	if conns > 0 {
		r.SetMaxConns(conns)
	}
	return r, nil
}

// openStore opens the database and prunes it to retention_months; nil
// (and no error) when sqlite.enabled is false.
func openStore(ctx context.Context, cfg *Config, logger *slog.Logger) (*sqlite.Store, error) {
	if !cfg.SQLite.Enabled {
		return nil, nil
	}
	path := cfg.SQLite.Database
	if err := checkDatabaseFile(path); err != nil {
		return nil, err
	}
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, databaseError(path, err)
	}
	if cfg.SQLite.SQLDump {
		store.SQLDump = os.Stdout
	}
	store.Logger = logger
	store.SetRetentionMonths(cfg.SQLite.RetentionMonths)
	if _, err := store.Prune(ctx, db.MonthOf(time.Now())); err != nil {
		store.Close()
		return nil, databaseError(path, err)
	}
	return store, nil
}

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
