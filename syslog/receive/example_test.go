package receive_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
)

// A syslog server embedded in another program: receive on a UDP port,
// store in SQLite, and stop as serve does — the receiver first (it drains
// the socket), then the pipeline (it writes everything queued).
func ExampleUDP() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "syslog.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	pipeline := ingest.New(ingest.Config{
		Store:        store, // anything with Write(ctx, []search.Row) error
		BatchSize:    1000,
		BatchTimeout: time.Second,
		Logger:       slog.New(slog.DiscardHandler),
	})
	udp := &receive.UDP{
		Addr:   "127.0.0.1:0", // any free port
		Input:  pipeline.Input("udp"),
		Logger: slog.New(slog.DiscardHandler),
		Now:    func() time.Time { return time.Date(2026, 11, 24, 3, 41, 7, 0, time.UTC) },
	}
	conn, err := udp.Listen()
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- udp.Serve(ctx, conn) }()

	client, _ := net.Dial("udp", conn.LocalAddr().String())
	fmt.Fprint(client, "<38>1 2026-11-24T03:41:06Z web1 sshd 4242 - - Accepted publickey for alice")
	client.Close()

	cancel() // like SIGTERM: stop reading, then write what was received
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	if err := pipeline.Close(); err != nil {
		log.Fatal(err)
	}
	month := db.MonthOf(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	n, err := sqlite.CountMatches(context.Background(), store.DB(), month, "publickey")
	fmt.Println(month.Table(), n, err)
	// Output: SystemEvents202611 1 <nil>
}
