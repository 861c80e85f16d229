package search

import (
	"net/netip"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Row is one received message as a store writes it, and nothing else: the
// store makes each column of its row (the Event it is read back as) from
// these fields. The ingest pipeline hands rows to the store in batches.
type Row struct {
	ReceivedAt time.Time
	// Source is the sender's address: its IP is FromHostIP, and FromHost
	// when the message names no host.
	Source  netip.AddrPort
	Message syslog.Message
	// Raw is the message as received when it was not well-formed syslog or
	// not valid UTF-8 text (or held NUL bytes); nil otherwise. With it,
	// nothing a sender sent is ever lost, however malformed.
	Raw []byte
}
