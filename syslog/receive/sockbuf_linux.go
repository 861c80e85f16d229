package receive

import (
	"fmt"
	"net"
	"syscall"
)

// setReadBuffer asks for a receive buffer of size bytes and returns what the
// kernel granted. SO_RCVBUFFORCE (root or CAP_NET_ADMIN) may exceed
// net.core.rmem_max; otherwise SO_RCVBUF is capped by it.
func setReadBuffer(conn *net.UDPConn, size int) (int, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return 0, err
	}
	var granted int
	var serr error
	err = raw.Control(func(fd uintptr) {
		if e := syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, size); e != nil {
			if e := syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, size); e != nil {
				serr = fmt.Errorf("setsockopt SO_RCVBUF: %w", e)
			}
		}
		// The kernel reports double what it books for data (bookkeeping).
		granted, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
	})
	if err != nil {
		return 0, err
	}
	return granted, serr
}
