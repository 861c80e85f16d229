package query

import "github.com/aiosyslogd/aiosyslogd/syslog"

// Record is the fields of one stored message that a query reads.
type Record struct {
	// Host is FromHost.
	Host string
	// Tag is SysLogTag (APP-NAME, TAG).
	Tag string
	// PID is ProcessID.
	PID string
	// MsgID is the RFC 5424 MSGID.
	MsgID string
	// IP is FromHostIP, "" when unknown.
	IP string
	// StructuredData is the RFC 5424 STRUCTURED-DATA in its own syntax
	// ([id name="value"]…), "" when there is none.
	StructuredData string
	// Message is the message text.
	Message string
	// Facility and Severity are those of the message's PRI.
	Facility syslog.Facility
	Severity syslog.Severity
}
