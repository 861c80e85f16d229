// Package syslog owns the syslog protocol as data: the message model, the
// RFC 5424 and RFC 3164 parsers, the RFC 5424 formatter and the converter
// from one to the other. It does no I/O of its own and knows nothing of
// sockets or storage: receiving is package syslog/receive's job, and the
// way from a receiver to a store is package syslog/ingest's.
package syslog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Facility is the syslog facility code (0–23), the upper bits of the PRI.
type Facility uint8

// Severity is the syslog severity level (0 = emergency … 7 = debug).
type Severity uint8

// Priority is the PRI value of a message: Facility*8 + Severity (0–191).
type Priority uint8

// DefaultPriority is user.notice (13), used when a datagram carries no PRI.
const DefaultPriority Priority = 13

// MaxPriority is the largest valid PRI value (local7.debug).
const MaxPriority = 191

// NewPriority combines a facility and a severity.
func NewPriority(f Facility, s Severity) Priority { return Priority(uint8(f)<<3 | uint8(s&7)) }

// Facility returns the facility part of p.
func (p Priority) Facility() Facility { return Facility(p >> 3) }

// Severity returns the severity part of p.
func (p Priority) Severity() Severity { return Severity(p & 7) }

var facilityNames = [...]string{
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
}

var severityNames = [...]string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}

// String returns the conventional name of f ("kern", "local7"), or its number.
func (f Facility) String() string {
	if int(f) < len(facilityNames) {
		return facilityNames[f]
	}
	return strconv.Itoa(int(f))
}

// String returns the conventional name of s ("err", "info").
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return strconv.Itoa(int(s))
}

// ParseFacility accepts a facility name ("auth", "local3") or number ("10").
func ParseFacility(s string) (Facility, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i, ok := lookup(s, facilityNames[:]); ok {
		return Facility(i), nil
	}
	return 0, fmt.Errorf("unknown facility %q (want a name like auth, daemon, local0 or a number 0-23)", s)
}

// ParseSeverity accepts a severity name ("err", "warning", "error", "warn")
// or number ("3").
func ParseSeverity(s string) (Severity, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "emergency", "panic":
		return 0, nil
	case "critical":
		return 2, nil
	case "error":
		return 3, nil
	case "warn":
		return 4, nil
	case "informational":
		return 6, nil
	}
	if i, ok := lookup(s, severityNames[:]); ok {
		return Severity(i), nil
	}
	return 0, fmt.Errorf("unknown severity %q (want emerg, alert, crit, err, warning, notice, info, debug or 0-7)", s)
}

// lookup returns the index of s in names, or s itself when it is the
// number of one.
func lookup(s string, names []string) (int, bool) {
	if i := slices.Index(names, s); i >= 0 {
		return i, true
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < len(names) {
		return n, true
	}
	return 0, false
}

// Message is one syslog message in the RFC 5424 model. RFC 3164 messages are
// normalised into it. Empty strings stand for RFC 5424's NILVALUE ("-").
type Message struct {
	Priority  Priority
	Timestamp time.Time // zero when the sender gave none
	Hostname  string
	AppName   string // the RFC 3164 TAG
	ProcID    string
	MsgID     string
	// StructuredData holds the elements in the order they were sent; nil
	// when the message had none.
	StructuredData []SDElement
	Text           string // the MSG part, without a leading BOM
}

// SDElement is one RFC 5424 STRUCTURED-DATA element: [ID name="value" …].
type SDElement struct {
	ID     string
	Params []SDParam
}

// SDParam is one PARAM-NAME="PARAM-VALUE" pair; Value is unescaped.
type SDParam struct {
	Name  string
	Value string
}
