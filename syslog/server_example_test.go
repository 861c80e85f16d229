package syslog_test

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
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// A Server embedded in another program: receive on a UDP port, store in
// SQLite, stop by cancelling the context — everything received is written
// before Serve returns.
func ExampleServer() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithCancel(context.Background())

	store, err := db.Open(ctx, filepath.Join(dir, "syslog.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	srv := &syslog.Server{
		Addr:         "127.0.0.1:0", // any free port
		Store:        store,
		BatchSize:    1000,
		BatchTimeout: time.Second,
		Logger:       slog.New(slog.DiscardHandler),
		Now:          func() time.Time { return time.Date(2026, 11, 24, 3, 41, 7, 0, time.UTC) },
	}
	conn, err := srv.Listen()
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- srv.Serve(ctx, conn) }()

	client, _ := net.Dial("udp", conn.LocalAddr().String())
	fmt.Fprint(client, "<38>1 2026-11-24T03:41:06Z web1 sshd 4242 - - Accepted publickey for alice")
	client.Close()

	cancel() // like SIGTERM: stop reading, write what was received
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	month := db.MonthOf(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	n, err := db.ForMonth(store.DB(), month).CountMatches(context.Background(), "publickey")
	fmt.Println(month.Table(), n, err)
	// Output: SystemEvents202611 1 <nil>
}
