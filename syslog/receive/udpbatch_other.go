//go:build !linux

package receive

import (
	"fmt"
	"net"
	"net/netip"
)

// batchReader reads one datagram a system call where recvmmsg does not
// exist.
type batchReader struct {
	conn *net.UDPConn
	buf  []byte
	n    int
	from netip.AddrPort
}

func newBatchReader(conn *net.UDPConn) (*batchReader, error) {
	return &batchReader{conn: conn, buf: make([]byte, MaxDatagram+1)}, nil
}

// read waits for a datagram and returns 1, or the error.
func (r *batchReader) read() (int, error) {
	n, from, err := r.conn.ReadFromUDPAddrPort(r.buf)
	if err != nil {
		return 0, fmt.Errorf("read datagram: %w", err)
	}
	r.n, r.from = n, from
	return 1, nil
}

// datagram returns the datagram of the last read, valid until the next
// read, and its sender.
func (r *batchReader) datagram(int) ([]byte, netip.AddrPort) { return r.buf[:r.n], r.from }
