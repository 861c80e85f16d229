package spool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"net/netip"
)

// Record is one received message as the spool keeps it.
type Record struct {
	At        int64          // arrival time, Unix nanoseconds
	From      netip.AddrPort // the sender; the zero value when unknown
	Transport string         // "udp", "tcp", "tls", "relp": at most 255 bytes
	Stream    bool           // the transport is a stream (counts connections)
	Data      []byte         // the message's bytes as received
}

// A record on disk is a header, then a body:
//
//	header: body length (uint32), CRC-32C of the body (uint32)
//	body:   arrival (int64), flags (uint8: 1 = stream),
//	        transport length (uint8), transport,
//	        address length (uint8), address (netip.AddrPort binary),
//	        the message's bytes
//
// Integers are little-endian. A body is at most MaxBody bytes.
const (
	headerSize = 8
	fixedBody  = 8 + 1 + 1 + 1
	flagStream = 1
	// MaxBody bounds a record's body: a message of 16 MiB (the largest
	// tcp.max_message_size) and its header fit; a longer length is
	// corruption, not a message.
	MaxBody = 16<<20 + 512
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt says a record's bytes are not what the spool wrote.
var errCorrupt = errors.New("corrupt record")

// encodedSize is the bytes r takes on disk.
func encodedSize(r *Record) int {
	return headerSize + fixedBody + len(r.Transport) + addrLen(r.From) + len(r.Data)
}

func addrLen(a netip.AddrPort) int {
	switch {
	case !a.IsValid():
		return 0
	case a.Addr().Is4():
		return 4 + 2
	default:
		return 16 + 2
	}
}

// appendRecord appends r's encoding to buf.
func appendRecord(buf []byte, r *Record) ([]byte, error) {
	if len(r.Transport) > 255 {
		return buf, fmt.Errorf("transport name %.20q longer than 255 bytes", r.Transport)
	}
	body := encodedSize(r) - headerSize
	if body > MaxBody {
		return buf, fmt.Errorf("message of %d bytes is longer than the spool's records", len(r.Data))
	}
	start := len(buf)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(body))
	buf = binary.LittleEndian.AppendUint32(buf, 0) // the CRC, below
	buf = binary.LittleEndian.AppendUint64(buf, uint64(r.At))
	var flags byte
	if r.Stream {
		flags |= flagStream
	}
	buf = append(buf, flags, byte(len(r.Transport)))
	buf = append(buf, r.Transport...)
	buf = append(buf, byte(addrLen(r.From)))
	if r.From.IsValid() {
		a := r.From.Addr()
		if a.Is4() {
			a4 := a.As4()
			buf = append(buf, a4[:]...)
		} else {
			a16 := a.As16()
			buf = append(buf, a16[:]...)
		}
		buf = binary.LittleEndian.AppendUint16(buf, r.From.Port())
	}
	buf = append(buf, r.Data...)
	binary.LittleEndian.PutUint32(buf[start+4:], crc32.Checksum(buf[start+headerSize:], castagnoli))
	return buf, nil
}

// bodyLen returns the body length a header announces, or errCorrupt when
// no record is that long.
func bodyLen(h []byte) (int, error) {
	n := binary.LittleEndian.Uint32(h)
	if n < fixedBody || n > MaxBody {
		return 0, fmt.Errorf("%w: body length %d", errCorrupt, n)
	}
	return int(n), nil
}

// decodeBody checks body against the header's CRC and decodes it. The
// record's Data is a slice of body, which the caller gives it.
func decodeBody(h, body []byte) (Record, error) {
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(h[4:]) {
		return Record{}, fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	r := Record{At: int64(binary.LittleEndian.Uint64(body)), Stream: body[8]&flagStream != 0}
	rest := body[9:]
	tn := int(rest[0])
	if len(rest) < 1+tn+1 {
		return Record{}, fmt.Errorf("%w: transport name past the body", errCorrupt)
	}
	r.Transport = string(rest[1 : 1+tn])
	rest = rest[1+tn:]
	an := int(rest[0])
	rest = rest[1:]
	if len(rest) < an {
		return Record{}, fmt.Errorf("%w: address past the body", errCorrupt)
	}
	switch an {
	case 0:
	case 6:
		r.From = netip.AddrPortFrom(netip.AddrFrom4([4]byte(rest[:4])), binary.LittleEndian.Uint16(rest[4:]))
	case 18:
		r.From = netip.AddrPortFrom(netip.AddrFrom16([16]byte(rest[:16])), binary.LittleEndian.Uint16(rest[16:]))
	default:
		return Record{}, fmt.Errorf("%w: address of %d bytes", errCorrupt, an)
	}
	r.Data = rest[an:]
	return r, nil
}
