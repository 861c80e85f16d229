package receive

import (
	"net/netip"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The sender's address is read from the kernel's socket address, port in
// network byte order, for either family.
func TestAddrPortFromSockaddr(t *testing.T) {
	inet4 := func(a [4]byte, port uint16) unix.RawSockaddrInet6 {
		var sa unix.RawSockaddrInet6
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(&sa))
		sa4.Family, sa4.Addr = unix.AF_INET, a
		p := (*[2]byte)(unsafe.Pointer(&sa4.Port))
		p[0], p[1] = byte(port>>8), byte(port)
		return sa
	}
	inet6 := func(a string, port uint16) unix.RawSockaddrInet6 {
		sa := unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: netip.MustParseAddr(a).As16()}
		p := (*[2]byte)(unsafe.Pointer(&sa.Port))
		p[0], p[1] = byte(port>>8), byte(port)
		return sa
	}
	tests := []struct {
		name string
		sa   unix.RawSockaddrInet6
		want string
	}{
		{"IPv4", inet4([4]byte{10, 1, 2, 3}, 514), "10.1.2.3:514"},
		{"IPv4, a port above 255", inet4([4]byte{127, 0, 0, 1}, 0xabcd), "127.0.0.1:43981"},
		{"IPv6", inet6("2001:db8::1", 6514), "[2001:db8::1]:6514"},
		{"IPv4-mapped on a dual-stack socket", inet6("::ffff:192.0.2.7", 5140), "[::ffff:192.0.2.7]:5140"},
		{"no address", unix.RawSockaddrInet6{}, "invalid AddrPort"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := addrPort(&tt.sa).String(); got != tt.want {
				t.Errorf("addrPort = %s, want %s", got, tt.want)
			}
		})
	}
}
