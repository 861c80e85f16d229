package receive

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// readBatch is how many datagrams one read may return: one recvmmsg
// system call reads what the kernel holds, up to this many.
const readBatch = 32

// mmsghdr is the kernel's struct mmsghdr: a message header and the length
// received (Go pads it as C does, to the header's alignment).
type mmsghdr struct {
	hdr unix.Msghdr
	n   uint32
}

// batchReader reads several datagrams a system call into buffers it
// reuses: the headers point at them once and for all, so that a read
// allocates nothing.
type batchReader struct {
	raw   syscall.RawConn
	bufs  [readBatch][]byte
	iovs  [readBatch]unix.Iovec
	names [readBatch]unix.RawSockaddrInet6 // large enough for IPv4's too
	hdrs  [readBatch]mmsghdr
}

func newBatchReader(conn *net.UDPConn) (*batchReader, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("read datagrams: %w", err)
	}
	r := &batchReader{raw: raw}
	for i := range r.hdrs {
		r.bufs[i] = make([]byte, MaxDatagram+1)
		r.iovs[i].Base = &r.bufs[i][0]
		r.iovs[i].SetLen(len(r.bufs[i]))
		r.hdrs[i].hdr.Iov = &r.iovs[i]
		r.hdrs[i].hdr.SetIovlen(1)
		r.hdrs[i].hdr.Name = (*byte)(unsafe.Pointer(&r.names[i]))
	}
	return r, nil
}

// read waits for datagrams (within the connection's read deadline) and
// returns how many it read: at least one unless err is set.
func (r *batchReader) read() (int, error) {
	for i := range r.hdrs {
		r.hdrs[i].hdr.Namelen = uint32(unsafe.Sizeof(r.names[i])) // the kernel sets it to the sender's length
	}
	var n uintptr
	var errno syscall.Errno
	err := r.raw.Read(func(fd uintptr) bool {
		for {
			n, _, errno = unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&r.hdrs[0])), readBatch,
				unix.MSG_DONTWAIT, 0, 0)
			if errno != unix.EINTR {
				return errno != unix.EAGAIN // wait for the socket to be readable, then again
			}
		}
	})
	if err != nil {
		return 0, fmt.Errorf("read datagrams: %w", err)
	}
	if errno != 0 {
		return 0, fmt.Errorf("read datagrams: %w", os.NewSyscallError("recvmmsg", errno))
	}
	return int(n), nil
}

// datagram returns the i-th datagram of the last read, valid until the next
// read, and its sender.
func (r *batchReader) datagram(i int) ([]byte, netip.AddrPort) {
	return r.bufs[i][:r.hdrs[i].n], addrPort(&r.names[i])
}

// addrPort is the address in sa, an IPv4 or IPv6 socket address.
func addrPort(sa *unix.RawSockaddrInet6) netip.AddrPort {
	p := (*[2]byte)(unsafe.Pointer(&sa.Port)) // network byte order
	port := uint16(p[0])<<8 | uint16(p[1])
	switch sa.Family {
	case unix.AF_INET:
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		return netip.AddrPortFrom(netip.AddrFrom4(sa4.Addr), port)
	case unix.AF_INET6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), port)
	}
	return netip.AddrPort{}
}
