package syslog

import (
	"bytes"
	"context"
	"net/netip"
	"time"
	"unicode/utf8"
)

// Record is one received datagram as it is handed to a Store: the parsed
// message, when and from where it came, and — when the datagram did not
// parse cleanly or is not valid UTF-8 — the exact bytes received.
type Record struct {
	ReceivedAt time.Time
	Source     netip.AddrPort // the sender's address
	Message    Message
	// Raw is the datagram as received when it was not a well-formed syslog
	// message or not valid UTF-8 text (or held NUL bytes); nil otherwise.
	// With it, nothing a sender sent is ever lost, however malformed.
	Raw []byte
	// ParseErr says why the datagram was not well-formed; nil when it was.
	ParseErr error
}

// Host returns the host to store the record under: the message's HOSTNAME,
// or the sender's IP address when the message named none.
func (r *Record) Host() string {
	if r.Message.Hostname != "" {
		return r.Message.Hostname
	}
	if r.Source.IsValid() {
		return r.Source.Addr().Unmap().String()
	}
	return ""
}

// NewRecord parses a datagram into a Record. data is kept (not copied) as Raw
// when the datagram needs it; the caller must not reuse data afterwards.
func (p *Parser) NewRecord(data []byte, from netip.AddrPort, receivedAt time.Time) Record {
	msg, err := p.Parse(data)
	r := Record{ReceivedAt: receivedAt, Source: from, Message: msg, ParseErr: err}
	if err != nil || !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		r.Raw = data
	}
	return r
}

// Store is where the batcher writes. Write must store the whole batch or
// return an error (the batch is then retried); it must be safe to call again
// with the same batch.
type Store interface {
	Write(ctx context.Context, batch []Record) error
}
