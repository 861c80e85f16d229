package db

import (
	"strings"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// QueryRecord is what a query reads of r once it is stored, in every store
// (the columns the store's statements and query.Matcher see): FromHost as the store
// fills it, the sender's address, the structured data as text, and text
// with each run of invalid UTF-8 replaced, as the columns hold it. A
// matcher given it answers as a search of the stored row would.
func QueryRecord(r *search.Row) query.Record {
	m := &r.Message
	q := query.Record{
		Host: ValidText(FromHost(r)), Tag: ValidText(m.AppName), PID: ValidText(m.ProcID),
		MsgID: ValidText(m.MsgID), Message: ValidText(m.Text),
		Facility: m.Priority.Facility(), Severity: m.Priority.Severity(),
	}
	if r.Source.IsValid() {
		q.IP = r.Source.Addr().Unmap().String()
	}
	if len(m.StructuredData) > 0 {
		q.StructuredData = ValidText(string(syslog.AppendStructuredData(nil, m.StructuredData)))
	}
	return q
}

// FromHost is what every store stores a record under as FromHost: the
// message's HOSTNAME, or the sender's IP address when the message named
// none.
func FromHost(r *search.Row) string {
	if r.Message.Hostname != "" {
		return r.Message.Hostname
	}
	if r.Source.IsValid() {
		return r.Source.Addr().Unmap().String()
	}
	return ""
}

// ValidText is s with each run of invalid UTF-8 replaced by one U+FFFD.
func ValidText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
