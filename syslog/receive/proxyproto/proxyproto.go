// Package proxyproto reads the PROXY protocol header (versions 1 and 2, as
// HAProxy specifies them) that a load balancer or proxy sends at the start
// of a connection to say which client the connection is for. It knows
// bytes and addresses, nothing of sockets.
package proxyproto

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
)

// Header is what a PROXY header says about a connection.
type Header struct {
	Version int // 1 or 2
	// Local is set when the header names no client: a version 2 LOCAL
	// command (the proxy's own connection, a health check), a version 1
	// UNKNOWN, or an address family without IP addresses. The connection's
	// own address then stands.
	Local bool
	// Source is the client, Destination the address it connected to;
	// both zero when Local.
	Source, Destination netip.AddrPort
}

// ErrNoHeader is returned, wrapped, when a connection does not start with
// a PROXY header.
var ErrNoHeader = errors.New("no PROXY protocol header")

// v2Signature starts every version 2 header.
const v2Signature = "\r\n\r\n\x00\r\nQUIT\n"

// v1MaxLen is the longest version 1 header, CR LF included.
const v1MaxLen = 107

// Read reads the header at the start of r. After an error, the connection
// is not usable: close it.
func Read(r *bufio.Reader) (Header, error) {
	first, err := r.Peek(1)
	if err != nil {
		return Header{}, fmt.Errorf("read PROXY header: %w", err)
	}
	switch first[0] {
	case 'P':
		return readV1(r)
	case '\r':
		return readV2(r)
	}
	return Header{}, fmt.Errorf("%w: the connection starts with %q", ErrNoHeader, first)
}

// readV1 reads "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n" or
// "PROXY UNKNOWN …\r\n"; a lone LF ends the line too.
func readV1(r *bufio.Reader) (Header, error) {
	var buf [v1MaxLen]byte
	line := buf[:0]
	for {
		c, err := r.ReadByte()
		if err != nil {
			return Header{}, fmt.Errorf("read PROXY v1 header: %w", err)
		}
		line = append(line, c)
		if c == '\n' {
			break
		}
		if len(line) == v1MaxLen {
			return Header{}, fmt.Errorf("%w: v1 header longer than %d bytes", ErrNoHeader, v1MaxLen)
		}
	}
	// The specification wants CR LF; syslog-ng's loggen sends LF alone.
	text := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	return parseV1(string(text))
}

func parseV1(s string) (Header, error) {
	f := splitSpaces(s)
	if len(f) < 2 || f[0] != "PROXY" {
		return Header{}, fmt.Errorf("%w: %q", ErrNoHeader, s)
	}
	h := Header{Version: 1}
	switch f[1] {
	case "UNKNOWN":
		h.Local = true
		return h, nil
	case "TCP4", "TCP6":
	default:
		return Header{}, fmt.Errorf("PROXY v1 header: unknown protocol %q", f[1])
	}
	if len(f) != 6 {
		return Header{}, fmt.Errorf("PROXY v1 header: %d fields, want 6: %q", len(f), s)
	}
	var err error
	if h.Source, err = v1Addr(f[1], f[2], f[4]); err != nil {
		return Header{}, err
	}
	if h.Destination, err = v1Addr(f[1], f[3], f[5]); err != nil {
		return Header{}, err
	}
	return h, nil
}

// splitSpaces splits s at single spaces (the header allows no others).
func splitSpaces(s string) []string {
	var f []string
	for len(s) > 0 && len(f) < 8 {
		i := 0
		for i < len(s) && s[i] != ' ' {
			i++
		}
		f = append(f, s[:i])
		if i == len(s) {
			break
		}
		s = s[i+1:]
	}
	return f
}

// v1Addr reads a version 1 address and port of protocol proto.
func v1Addr(proto, ip, port string) (netip.AddrPort, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Zone() != "" || (proto == "TCP4") != a.Is4() {
		return netip.AddrPort{}, fmt.Errorf("PROXY v1 header: %q is not an %s address", ip, proto)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || (len(port) > 1 && port[0] == '0') {
		return netip.AddrPort{}, fmt.Errorf("PROXY v1 header: %q is not a port", port)
	}
	return netip.AddrPortFrom(a, uint16(p)), nil
}

// readV2 reads the 16-byte fixed part of a version 2 header, then its
// addresses and TLVs (which are skipped).
func readV2(r *bufio.Reader) (Header, error) {
	fixed, err := r.Peek(16)
	if err != nil {
		return Header{}, fmt.Errorf("read PROXY v2 header: %w", err)
	}
	if string(fixed[:12]) != v2Signature {
		return Header{}, fmt.Errorf("%w: bad v2 signature %q", ErrNoHeader, fixed[:12])
	}
	verCmd, family := fixed[12], fixed[13]
	n := int(binary.BigEndian.Uint16(fixed[14:16]))
	if verCmd>>4 != 2 {
		return Header{}, fmt.Errorf("PROXY v2 header: version %d, want 2", verCmd>>4)
	}
	r.Discard(16)
	var body [36]byte // the largest address block read (IPv6)
	k := min(n, len(body))
	if _, err := io.ReadFull(r, body[:k]); err != nil {
		return Header{}, fmt.Errorf("read PROXY v2 addresses: %w", err)
	}
	if _, err := r.Discard(n - k); err != nil { // the rest: unix paths, TLVs
		return Header{}, fmt.Errorf("read PROXY v2 TLVs: %w", err)
	}
	switch verCmd & 0xf {
	case 0: // LOCAL
		return Header{Version: 2, Local: true}, nil
	case 1: // PROXY
		return v2Addresses(family, body[:k])
	}
	return Header{}, fmt.Errorf("PROXY v2 header: unknown command %d", verCmd&0xf)
}

// v2Addresses reads the address block of a PROXY command.
func v2Addresses(family byte, b []byte) (Header, error) {
	h := Header{Version: 2}
	var size int
	switch family >> 4 {
	case 1: // AF_INET
		size = 4
	case 2: // AF_INET6
		size = 16
	default: // AF_UNSPEC, AF_UNIX: no IP address
		h.Local = true
		return h, nil
	}
	if len(b) < 2*size+4 {
		return Header{}, fmt.Errorf("PROXY v2 header: %d bytes of addresses, want %d", len(b), 2*size+4)
	}
	src, _ := netip.AddrFromSlice(b[:size])
	dst, _ := netip.AddrFromSlice(b[size : 2*size])
	sport := binary.BigEndian.Uint16(b[2*size:])
	dport := binary.BigEndian.Uint16(b[2*size+2:])
	h.Source, h.Destination = netip.AddrPortFrom(src, sport), netip.AddrPortFrom(dst, dport)
	return h, nil
}
