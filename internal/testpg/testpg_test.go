//go:build e2e

package testpg

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestSharedCluster starts the cluster, makes two databases and connects
// to each over the socket, which is the only way in.
func TestSharedCluster(t *testing.T) {
	c := Shared(t)
	if len(c.Dir) > 40 {
		t.Errorf("cluster directory %s: a socket path under it could pass 107 bytes", c.Dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, b := c.NewDatabase(t), c.NewDatabase(t)
	if a == b {
		t.Fatalf("two databases with one DSN: %s", a)
	}
	for _, dsn := range []string{a, b} {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect %s: %v", dsn, err)
		}
		if err := conn.Ping(ctx); err != nil {
			t.Errorf("ping %s: %v", dsn, err)
		}
		if v := conn.PgConn().ParameterStatus("server_version"); !strings.HasPrefix(v, "1") {
			t.Errorf("server_version %q", v)
		}
		conn.Close(ctx)
	}
	if _, err := os.Stat(c.Dir + "/.s.PGSQL.5432"); err != nil {
		t.Errorf("no socket in %s: %v", c.Dir, err)
	}
}

// TestStandby makes a hot standby of the shared cluster: it answers
// read-only, as a server in recovery.
func TestStandby(t *testing.T) {
	c := Shared(t)
	dsn := c.NewDatabase(t)
	sb, err := c.Standby()
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, strings.Replace(dsn, c.Dir, sb.Dir, 1))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if v := conn.PgConn().ParameterStatus("in_hot_standby"); v != "on" {
		t.Errorf("in_hot_standby = %q, want on", v)
	}
}
