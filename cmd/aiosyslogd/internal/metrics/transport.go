package metrics

import "github.com/aiosyslogd/aiosyslogd/syslog/ingest"

// The counters that only some transports have. UDP never cuts a datagram
// and has no connections; the stream transports (TCP, TLS, RELP) count
// both on their Input, and these two functions are where their counters
// become aiosyslogd_messages_truncated_total and aiosyslogd_connections.

// truncated is the number of messages the transport stored cut short.
func truncated(ts ingest.TransportStats) uint64 { return ts.Cut }

// connections is the number of connections the transport has open, and
// whether it is a stream transport at all.
func connections(ts ingest.TransportStats) (open int64, ok bool) { return ts.Open, ts.Stream }
