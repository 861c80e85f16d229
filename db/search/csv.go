package search

import (
	"encoding/base64"
	"strconv"
)

// CSVHeader is the header row of the CSV form of events: the columns of
// the JSON form, in its order.
var CSVHeader = []string{"Table", "ID", "Facility", "Priority", "FromHost", "FromHostIP", "InfoUnitID", "ReceivedAt",
	"DeviceReportedTime", "SysLogTag", "ProcessID", "MsgID", "StructuredData", "Message", "RawMessage"}

// CSVRecord appends e's row of the CSV form to dst: times as in JSON
// (empty when absent, as FromHostIP), the structured data in RFC 5424
// syntax, RawMessage
// in base64. A cell that a spreadsheet would run as a formula (it starts
// with = + - @, a tab or a carriage return: stored text comes from the
// network) gets a leading apostrophe, as OWASP advises.
func (e *Event) CSVRecord(dst []string) []string {
	var device, raw string
	if !e.DeviceReportedTime.IsZero() {
		device = e.DeviceReportedTime.UTC().Format(jsonTime)
	}
	if e.RawMessage != nil {
		raw = base64.StdEncoding.EncodeToString(e.RawMessage)
	}
	return append(dst, e.Table, strconv.FormatInt(e.ID, 10), strconv.Itoa(int(e.Facility)), strconv.Itoa(int(e.Severity)),
		csvCell(e.FromHost), e.FromHostIP, strconv.FormatInt(e.InfoUnitID, 10), e.ReceivedAt.UTC().Format(jsonTime), device,
		csvCell(e.SysLogTag), csvCell(e.ProcessID), csvCell(e.MsgID), csvCell(e.StructuredData), csvCell(e.Message), raw)
}

// csvCell defuses a cell that would start a formula.
func csvCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
