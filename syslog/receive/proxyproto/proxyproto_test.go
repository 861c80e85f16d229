package proxyproto_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/syslog/receive/proxyproto"
)

// v2 builds a version 2 header: command, family byte, address block, and
// extra bytes (TLVs) counted in the length.
func v2(cmd, family byte, addrs []byte, tlvs int) string {
	b := []byte("\r\n\r\n\x00\r\nQUIT\n")
	b = append(b, 0x20|cmd, family)
	b = binary.BigEndian.AppendUint16(b, uint16(len(addrs)+tlvs))
	b = append(b, addrs...)
	b = append(b, make([]byte, tlvs)...)
	return string(b)
}

func addrBlock(src, dst netip.AddrPort) []byte {
	var b []byte
	b = append(b, src.Addr().AsSlice()...)
	b = append(b, dst.Addr().AsSlice()...)
	b = binary.BigEndian.AppendUint16(b, src.Port())
	return binary.BigEndian.AppendUint16(b, dst.Port())
}

var (
	src4 = netip.MustParseAddrPort("192.0.2.10:51234")
	dst4 = netip.MustParseAddrPort("198.51.100.1:514")
	src6 = netip.MustParseAddrPort("[2001:db8::10]:51234")
	dst6 = netip.MustParseAddrPort("[2001:db8::1]:6514")
)

func TestRead(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    proxyproto.Header
		wantErr string // "" = success
	}{
		{name: "v1 TCP4", in: "PROXY TCP4 192.0.2.10 198.51.100.1 51234 514\r\n", want: proxyproto.Header{Version: 1, Source: src4, Destination: dst4}},
		{name: "v1 TCP6", in: "PROXY TCP6 2001:db8::10 2001:db8::1 51234 6514\r\n", want: proxyproto.Header{Version: 1, Source: src6, Destination: dst6}},
		{name: "v1 UNKNOWN", in: "PROXY UNKNOWN\r\n", want: proxyproto.Header{Version: 1, Local: true}},
		{name: "v1 UNKNOWN with addresses", in: "PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n", want: proxyproto.Header{Version: 1, Local: true}},
		{name: "v1 longest", in: "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
			want: proxyproto.Header{Version: 1, Source: netip.MustParseAddrPort("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"),
				Destination: netip.MustParseAddrPort("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")}},
		{name: "v2 PROXY IPv4", in: v2(1, 0x11, addrBlock(src4, dst4), 0), want: proxyproto.Header{Version: 2, Source: src4, Destination: dst4}},
		{name: "v2 PROXY IPv6 with TLVs", in: v2(1, 0x21, addrBlock(src6, dst6), 300), want: proxyproto.Header{Version: 2, Source: src6, Destination: dst6}},
		{name: "v2 LOCAL", in: v2(0, 0x00, nil, 0), want: proxyproto.Header{Version: 2, Local: true}},
		{name: "v2 unix", in: v2(1, 0x31, make([]byte, 216), 0), want: proxyproto.Header{Version: 2, Local: true}},
		{name: "v2 UDP over IPv4", in: v2(1, 0x12, addrBlock(src4, dst4), 0), want: proxyproto.Header{Version: 2, Source: src4, Destination: dst4}},

		{name: "no header", in: "<13>hello\n", wantErr: "no PROXY protocol header"},
		{name: "v1 with LF alone, as loggen sends it", in: "PROXY TCP4 192.0.2.10 198.51.100.1 51234 514\n", want: proxyproto.Header{Version: 1, Source: src4, Destination: dst4}},
		{name: "v1 too long", in: "PROXY TCP4 " + strings.Repeat("1", 200) + "\r\n", wantErr: "longer than 107"},
		{name: "v1 family mismatch", in: "PROXY TCP4 2001:db8::10 198.51.100.1 1 2\r\n", wantErr: "not an TCP4 address"},
		{name: "v1 bad port", in: "PROXY TCP4 192.0.2.10 198.51.100.1 65536 514\r\n", wantErr: "not a port"},
		{name: "v1 leading zero port", in: "PROXY TCP4 192.0.2.10 198.51.100.1 0514 514\r\n", wantErr: "not a port"},
		{name: "v1 missing field", in: "PROXY TCP4 192.0.2.10 198.51.100.1 514\r\n", wantErr: "5 fields"},
		{name: "v1 double space", in: "PROXY TCP4  192.0.2.10 198.51.100.1 1 514\r\n", wantErr: "7 fields"},
		{name: "v1 unknown protocol", in: "PROXY UDP4 192.0.2.10 198.51.100.1 1 2\r\n", wantErr: "unknown protocol"},
		{name: "v1 not PROXY", in: "PROXZ TCP4\r\n", wantErr: "no PROXY protocol header"},
		{name: "v2 bad signature", in: "\r\n\r\n\x00\r\nQUIZ\n\x21\x11\x00\x0c" + string(addrBlock(src4, dst4)), wantErr: "signature"},
		{name: "v2 version 3", in: strings.Replace(v2(1, 0x11, addrBlock(src4, dst4), 0), "\n\x21", "\n\x31", 1), wantErr: "version 3"},
		{name: "v2 unknown command", in: v2(2, 0x11, addrBlock(src4, dst4), 0), wantErr: "unknown command"},
		{name: "v2 short addresses", in: v2(1, 0x21, addrBlock(src4, dst4), 0), wantErr: "want 36"},
		{name: "v2 truncated", in: v2(1, 0x11, addrBlock(src4, dst4), 0)[:20], wantErr: "EOF"},
		{name: "empty", in: "", wantErr: "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const rest = "<13>after the header\n"
			in := tt.in
			if tt.wantErr == "" {
				in += rest // must be left for the framing
			}
			r := bufio.NewReader(strings.NewReader(in))
			h, err := proxyproto.Read(r)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Read = %+v, %v; want an error with %q", h, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if h != tt.want {
				t.Errorf("header = %+v, want %+v", h, tt.want)
			}
			if after, _ := io.ReadAll(r); string(after) != rest {
				t.Errorf("after the header the stream holds %q, want %q", after, rest)
			}
		})
	}
}

func TestNoHeaderIsErrNoHeader(t *testing.T) {
	_, err := proxyproto.Read(bufio.NewReader(strings.NewReader("<13>x\n")))
	if !errors.Is(err, proxyproto.ErrNoHeader) {
		t.Errorf("err = %v, want ErrNoHeader", err)
	}
}
