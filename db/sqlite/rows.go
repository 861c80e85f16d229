package sqlite

import (
	"encoding/hex"
	"strconv"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// appendRow appends r to buf as a JSON array of the columns the virtual
// table aiosyslogd_batch hands InsertBatch (sql/batch.sql), for sql_dump:
// [Facility, Priority, FromHost, ReceivedAt, DeviceReportedTime,
// SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage as hex,
// FromHostIP].
// sd is scratch space for the structured data; the grown slice is returned
// for reuse.
func appendRow(buf, sd []byte, r *search.Row) (_, _ []byte) {
	m := &r.Message
	buf = append(buf, '[')
	buf = strconv.AppendInt(buf, int64(m.Priority.Facility()), 10)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, int64(m.Priority.Severity()), 10)
	buf = append(buf, ',')
	buf = appendJSONString(buf, db.FromHost(r))
	buf = append(buf, ',', '"')
	buf = r.ReceivedAt.UTC().AppendFormat(buf, TimeLayout)
	buf = append(buf, '"', ',')
	if m.Timestamp.IsZero() {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '"')
		buf = m.Timestamp.UTC().AppendFormat(buf, TimeLayout)
		buf = append(buf, '"')
	}
	buf = append(buf, ',')
	buf = appendJSONString(buf, m.AppName)
	buf = append(buf, ',')
	buf = appendJSONString(buf, m.ProcID)
	buf = append(buf, ',')
	buf = appendJSONString(buf, m.MsgID)
	buf = append(buf, ',')
	if len(m.StructuredData) == 0 {
		buf = append(buf, "null"...)
	} else {
		sd = syslog.AppendStructuredData(sd[:0], m.StructuredData)
		buf = appendJSONString(buf, sd)
	}
	buf = append(buf, ',')
	buf = appendJSONString(buf, m.Text)
	buf = append(buf, ',')
	if r.Raw == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '"')
		buf = hex.AppendEncode(buf, r.Raw)
		buf = append(buf, '"')
	}
	buf = append(buf, ',')
	if r.Source.IsValid() {
		buf = append(buf, '"')
		buf = r.Source.Addr().Unmap().AppendTo(buf)
		buf = append(buf, '"')
	} else {
		buf = append(buf, "null"...)
	}
	return append(buf, ']'), sd
}

// appendJSONString appends s as a JSON string. Each run of invalid UTF-8
// becomes one U+FFFD, so that every TEXT column holds text that SQLite's
// functions and FTS5 handle; Record.Raw keeps the exact bytes.
func appendJSONString[T string | []byte](buf []byte, s T) []byte {
	const hexDigits = "0123456789abcdef"
	buf = append(buf, '"')
	start, badEnd := 0, -1
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		// At most 4 bytes, not escaping: converted without allocating.
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			if badEnd != i { // one U+FFFD for a run of bad bytes, as strings.ToValidUTF8
				buf = append(buf, "\uFFFD"...)
			}
			i++
			start, badEnd = i, i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
