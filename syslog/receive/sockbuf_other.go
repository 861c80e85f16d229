//go:build !linux

package receive

import "net"

// setReadBuffer asks for a receive buffer of size bytes; other systems do not
// say what they granted, so the request is returned.
func setReadBuffer(conn *net.UDPConn, size int) (int, error) {
	return size, conn.SetReadBuffer(size)
}
