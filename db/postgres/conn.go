package postgres

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options says how to reach the database.
type Options struct {
	// DSN is a libpq connection string: a postgres:// URL or key=value
	// pairs. Without a password in it, pgx reads PGPASSWORD or the
	// PGPASSFILE (~/.pgpass), unless PasswordFile is set.
	DSN string
	// PasswordFile, when set, holds the password (its first line). It
	// must not be readable by group or others, as libpq asks of .pgpass.
	PasswordFile string
	// MaxConns bounds the pool; 0 means 4.
	MaxConns int32

	tracer   pgx.QueryTracer // tests: sees every statement
	readOnly bool            // every transaction read-only (OpenReader)
}

// open returns a pool for o, checked with a ping. Every connection plans
// each statement with its values (plan_cache_mode = force_custom_plan: the
// searches' optional conditions then cost nothing when unused) and waits
// for its commits to be durable (synchronous_commit = on, whatever the
// server's default: a batch is acknowledged after it).
func open(ctx context.Context, o Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(o.DSN)
	if err != nil {
		// pgx's message quotes the DSN, password included: say less.
		return nil, fmt.Errorf("postgresql dsn: cannot be parsed as a URL or key=value pairs")
	}
	if o.PasswordFile != "" {
		pw, err := readPasswordFile(o.PasswordFile)
		if err != nil {
			return nil, err
		}
		cfg.ConnConfig.Password = pw
	}
	cfg.ConnConfig.Tracer = o.tracer
	cfg.MaxConns = 4
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	rp := cfg.ConnConfig.RuntimeParams
	rp["plan_cache_mode"] = "force_custom_plan"
	rp["synchronous_commit"] = "on"
	rp["application_name"] = "aiosyslogd"
	rp["timezone"] = "UTC"
	if o.readOnly {
		rp["default_transaction_read_only"] = "on"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", where(cfg), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", where(cfg), err)
	}
	return pool, nil
}

// where names the server and database of cfg, without credentials.
func where(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("postgresql database %q on %s:%d", c.Database, c.Host, c.Port)
}

// readPasswordFile returns the first line of path, which must be a
// regular file that only its owner can read.
func readPasswordFile(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("postgresql password_file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("postgresql password_file %s is not a regular file", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("postgresql password_file %s has mode %04o: others may read it; chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("postgresql password_file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSuffix(line, "\r"), nil
}
