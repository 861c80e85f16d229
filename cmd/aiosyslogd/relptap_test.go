//go:build e2e

package main

import (
	"bufio"
	"bytes"
	"errors"
	"maps"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/syslog/receive/relp"
)

// relpTap is a TCP proxy between a RELP client (rsyslog's omrelp) and the
// daemon that reads every frame going either way: which seq numbers the
// client sent, in which phase of the test, and which of them the daemon
// answered with "200 OK". It tells the daemon's losses (a message it
// acknowledged, or received while it ran on, and did not store) from the
// client's (a message it never sent again after the kill).
type relpTap struct {
	t        *testing.T
	ln       net.Listener
	upstream string // the daemon's RELP address
	wg       sync.WaitGroup

	mu    sync.Mutex
	phase int           // the test's phase, given to each connection it accepts
	sent  map[int][]int // seq → the phases of the connections that sent it
	acked map[int]bool  // seq → the daemon answered 200 OK
	conns []net.Conn    // to close at the end
	txnrs []map[int]int // per connection: TXNR → seq of the syslog frames sent
}

// startRELPTap listens on 127.0.0.1:port and forwards each connection to
// upstream, or closes it at once when upstream cannot be reached.
func startRELPTap(t *testing.T, port int, upstream string) *relpTap {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	tap := &relpTap{t: t, ln: ln, upstream: upstream, phase: 1, sent: map[int][]int{}, acked: map[int]bool{}}
	tap.wg.Add(1)
	go tap.accept()
	t.Cleanup(tap.close)
	return tap
}

// setPhase numbers the connections accepted from now on.
func (tap *relpTap) setPhase(p int) {
	tap.mu.Lock()
	tap.phase = p
	tap.mu.Unlock()
}

func (tap *relpTap) close() {
	tap.ln.Close()
	tap.mu.Lock()
	for _, c := range tap.conns {
		c.Close()
	}
	tap.mu.Unlock()
	tap.wg.Wait()
}

func (tap *relpTap) accept() {
	defer tap.wg.Done()
	for {
		client, err := tap.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", tap.upstream)
		if err != nil {
			client.Close() // the daemon is down: the client sees its connection fail
			continue
		}
		tap.mu.Lock()
		tap.conns = append(tap.conns, client, server)
		tap.txnrs = append(tap.txnrs, map[int]int{})
		conn, phase := len(tap.txnrs)-1, tap.phase
		tap.mu.Unlock()
		tap.wg.Add(2)
		go tap.pipe(client, server, func(f relp.Frame) { tap.sentFrame(conn, phase, f) })
		go tap.pipe(server, client, func(f relp.Frame) { tap.answerFrame(conn, f) })
	}
}

// pipe forwards frames from src to dst, each after seen has recorded it
// (so that an answer is never read before the frame it answers), and
// closes both connections when either ends.
func (tap *relpTap) pipe(src, dst net.Conn, seen func(relp.Frame)) {
	defer tap.wg.Done()
	defer src.Close()
	defer dst.Close()
	r := relp.NewReader(bufio.NewReader(src), 0)
	for {
		f, err := r.Next()
		var fe *relp.FrameError
		if errors.As(err, &fe) {
			tap.t.Errorf("relp tap: %v", err)
		}
		if err != nil {
			return
		}
		seen(f)
		if _, err := dst.Write(relp.AppendFrame(nil, f.Txnr, f.Command, f.Data)); err != nil {
			return
		}
	}
}

func (tap *relpTap) sentFrame(conn, phase int, f relp.Frame) {
	if f.Command != "syslog" {
		return
	}
	msg := bytes.TrimRight(f.Data, "\n")
	seq, err := strconv.Atoi(string(msg[bytes.LastIndexByte(msg, ' ')+1:]))
	if err != nil {
		tap.t.Errorf("relp tap: no seq number in %q", f.Data)
		return
	}
	tap.mu.Lock()
	defer tap.mu.Unlock()
	tap.txnrs[conn][f.Txnr] = seq
	tap.sent[seq] = append(tap.sent[seq], phase)
}

func (tap *relpTap) answerFrame(conn int, f relp.Frame) {
	if f.Command != "rsp" || !bytes.HasPrefix(f.Data, []byte("200")) {
		return
	}
	tap.mu.Lock()
	defer tap.mu.Unlock()
	if seq, ok := tap.txnrs[conn][f.Txnr]; ok {
		tap.acked[seq] = true
	}
}

// check holds the daemon to RELP's promise against the rows stored
// (counts, from seqCounts): every message it acknowledged is stored, and
// every message sent in phase alive (to a daemon that then ran until it
// was stopped) was acknowledged. The seq numbers in [0, n) that are not
// stored and that the daemon neither acknowledged nor received while
// alive are returned: the client lost them.
func (tap *relpTap) check(counts map[int]int, alive, n int) (clientLost []int) {
	tap.t.Helper()
	tap.mu.Lock()
	defer tap.mu.Unlock()
	var unstored, unacked []int
	for seq := range tap.acked {
		if counts[seq] == 0 {
			unstored = append(unstored, seq)
		}
	}
	for seq, phases := range tap.sent {
		if slices.Contains(phases, alive) && !tap.acked[seq] {
			unacked = append(unacked, seq)
		}
	}
	slices.Sort(unstored)
	slices.Sort(unacked)
	if len(unstored) > 0 {
		tap.t.Errorf("%d messages acknowledged but not stored: %v", len(unstored), unstored[:min(len(unstored), 20)])
	}
	if len(unacked) > 0 {
		tap.t.Errorf("%d messages sent to the running daemon never acknowledged: %v", len(unacked), unacked[:min(len(unacked), 20)])
	}
	for seq := range n {
		if counts[seq] == 0 && !tap.acked[seq] && !slices.Contains(tap.sent[seq], alive) {
			clientLost = append(clientLost, seq)
		}
	}
	return clientLost
}

// count is how many distinct seq numbers were sent and acknowledged.
func (tap *relpTap) count() (sent, acked int) {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return len(tap.sent), len(tap.acked)
}

// ackedNow is the seq numbers the daemon answered with "200 OK" so far.
func (tap *relpTap) ackedNow() map[int]bool {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return maps.Clone(tap.acked)
}
