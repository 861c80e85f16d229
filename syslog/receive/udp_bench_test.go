package receive_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
)

// BenchmarkUDPReceive is the UDP reader's cost per 200-byte datagram when
// it catches up on a backlog, as when it did not get its share of the
// CPU: each round, backlog datagrams wait in the socket's buffer before
// the reader starts, and the time until it has offered them all to the
// pipeline (which only counts) is measured.
func BenchmarkUDPReceive(b *testing.B) {
	const backlog = 20000
	msg := []byte("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8 and a little more text to make the datagram about two hundred bytes long....")
	b.SetBytes(int64(len(msg)))
	b.StopTimer()
	for done := 0; done < b.N; done += backlog {
		receiveBacklog(b, msg, min(backlog, b.N-done))
	}
}

// receiveBacklog sends n datagrams to a UDP socket, then times a reader
// draining them.
func receiveBacklog(b *testing.B, msg []byte, n int) {
	p := ingest.New(ingest.Config{Logger: quiet, QueueSize: 1 << 16})
	defer p.Close()
	u := &receive.UDP{Addr: "127.0.0.1:0", Input: p.Input("udp"), Logger: quiet}
	conn, err := u.Listen()
	if err != nil {
		b.Fatal(err)
	}
	out, err := net.DialUDP("udp", nil, conn.LocalAddr().(*net.UDPAddr))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	for range n {
		if _, err := out.Write(msg); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	b.StartTimer()
	go func() { done <- u.Serve(ctx, conn) }()
	for p.Stats().Received < uint64(n) {
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	if st := p.Stats(); st.Received != uint64(n) || st.Dropped != 0 {
		b.Fatalf("received %d, dropped %d of %d", st.Received, st.Dropped, n)
	}
}
