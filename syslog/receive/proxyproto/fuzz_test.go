package proxyproto_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/syslog/receive/proxyproto"
)

// Any bytes: Read never panics, never reads past a v1 header's 107 bytes,
// and a header it accepts names addresses of one family.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"PROXY TCP4 192.0.2.10 198.51.100.1 51234 514\r\n",
		"PROXY TCP6 2001:db8::10 2001:db8::1 51234 6514\r\n",
		"PROXY UNKNOWN\r\n",
		v2(1, 0x11, addrBlock(src4, dst4), 0),
		v2(1, 0x21, addrBlock(src6, dst6), 7),
		v2(0, 0, nil, 0),
		"<13>not a header\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bufio.NewReader(bytes.NewReader(in))
		h, err := proxyproto.Read(r)
		if err != nil {
			return
		}
		left, _ := io.ReadAll(r)
		used := len(in) - len(left)
		switch {
		case h.Version == 1 && used > 107:
			t.Errorf("v1 header of %d bytes", used)
		case h.Version != 1 && h.Version != 2:
			t.Errorf("version %d", h.Version)
		case h.Local && (h.Source.IsValid() || h.Destination.IsValid()):
			t.Errorf("local header with addresses: %+v", h)
		case !h.Local && h.Source.Addr().Is4() != h.Destination.Addr().Is4():
			t.Errorf("mixed families: %+v", h)
		}
	})
}

// Addresses written in either version read back as they were.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{192, 0, 2, 10}, []byte{198, 51, 100, 1}, uint16(51234), uint16(514), 0)
	f.Add(src6.Addr().AsSlice(), dst6.Addr().AsSlice(), uint16(1), uint16(65535), 9)
	f.Fuzz(func(t *testing.T, s, d []byte, sport, dport uint16, tlvs int) {
		sa, ok1 := netip.AddrFromSlice(s)
		da, ok2 := netip.AddrFromSlice(d)
		if !ok1 || !ok2 || sa.Is4() != da.Is4() || tlvs < 0 || tlvs > 1000 {
			return
		}
		src, dst := netip.AddrPortFrom(sa, sport), netip.AddrPortFrom(da, dport)
		proto, family := "TCP4", byte(0x11)
		if !sa.Is4() {
			proto, family = "TCP6", 0x21
		}
		for _, header := range []string{
			fmt.Sprintf("PROXY %s %s %s %d %d\r\n", proto, sa, da, sport, dport),
			v2(1, family, addrBlock(src, dst), tlvs),
		} {
			h, err := proxyproto.Read(bufio.NewReader(bytes.NewReader([]byte(header))))
			if err != nil {
				t.Fatalf("%q: %v", header, err)
			}
			if h.Source != src || h.Destination != dst {
				t.Errorf("%q read as %+v", header, h)
			}
		}
	})
}
