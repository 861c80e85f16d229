package ingest

import (
	"bytes"
	"context"
	"net/netip"
	"time"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Record is one received message as it is handed to a Store: the parsed
// message, when and from where it came, and — when it did not parse cleanly
// or is not valid UTF-8 — the exact bytes received.
type Record struct {
	ReceivedAt time.Time
	Source     netip.AddrPort // the sender's address
	Message    syslog.Message
	// Raw is the message as received when it was not well-formed syslog or
	// not valid UTF-8 text (or held NUL bytes); nil otherwise. With it,
	// nothing a sender sent is ever lost, however malformed.
	Raw []byte
	// ParseErr says why the message was not well-formed; nil when it was.
	ParseErr error

	in *Input // counts the record once stored; nil for records made by NewRecord
}

// NewRecord parses r with p into a Record. r.Data is kept (not copied) as
// Raw when the record needs it.
func NewRecord(p *syslog.Parser, r Received) Record {
	return newRecord(p, item{data: r.Data, from: r.From, at: r.At.UnixNano()})
}

func newRecord(p *syslog.Parser, it item) Record {
	msg, err := p.Parse(it.data)
	rec := Record{ReceivedAt: time.Unix(0, it.at), Source: it.from, Message: msg, ParseErr: err, in: it.in}
	if err != nil || !utf8.Valid(it.data) || bytes.IndexByte(it.data, 0) >= 0 {
		rec.Raw = it.data
	}
	return rec
}

// Store is where the pipeline writes. Write must store the whole batch or
// return an error (the batch is then retried); it must be safe to call
// again with the same batch. Write is called from one goroutine at a time.
type Store interface {
	Write(ctx context.Context, batch []Record) error
}
