// Package notify sends the notices of package alert: to webhooks (our
// JSON, or Slack's), by email, and to Prometheus Alertmanager. A
// Dispatcher gives each notifier its own bounded queue and goroutine,
// retries with back-off, times out a notifier that hangs, and counts
// every result, so that a failing notifier slows neither the others nor
// ingest.
package notify

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
)

// MaxEvents is how many of the newest matches a message carries.
const MaxEvents = 10

// Message is a notice with what notifiers show of it: the newest matching
// messages and, when the web UI's address is known, a link to them.
type Message struct {
	alert.Notice
	Events []search.Event // newest first
	Link   string         // "" when [web_server] base_url is not set
}

// payload is the webhook JSON of a Message.
type payload struct {
	Alert     string            `json:"alert"`
	State     alert.State       `json:"state"`
	Count     int64             `json:"count"`
	Threshold int               `json:"threshold"`
	Window    string            `json:"window"`
	Query     string            `json:"query"`
	Since     string            `json:"since"`
	Until     string            `json:"until"`
	Events    []json.RawMessage `json:"events"`
	Link      string            `json:"link,omitempty"`
	Test      bool              `json:"test,omitempty"` // sent by alert send
}

// timeFormat is how a message's times are written: RFC 3339 in UTC.
const timeFormat = time.RFC3339

// JSON is m in our webhook form; each event is in `search -o json`'s form.
func (m *Message) JSON() ([]byte, error) {
	p := payload{
		Alert: m.Rule.Name, State: m.State, Count: m.Count, Threshold: m.Rule.Threshold,
		Window: alert.FormatDuration(m.Rule.Window), Query: m.Rule.Query,
		Since: m.Since.UTC().Format(timeFormat), Until: m.Until.UTC().Format(timeFormat),
		Events: make([]json.RawMessage, 0, len(m.Events)), Link: m.Link, Test: m.Test,
	}
	for _, e := range m.Events {
		b, err := e.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("event %s/%d: %w", e.Table, e.ID, err)
		}
		p.Events = append(p.Events, b)
	}
	return search.MarshalUnescaped(p)
}

// Summary is one line that says what m is about.
func (m *Message) Summary() string {
	state := strings.ToUpper(string(m.State))
	if m.Test {
		state = "TEST"
	}
	return fmt.Sprintf("[%s] %s: %d messages matching %s within %s (threshold %d)", state, m.Rule.Name,
		m.Count, m.Rule.Query, alert.FormatDuration(m.Rule.Window), m.Rule.Threshold)
}

// Text is m for people: the summary, the times, the link and the newest
// matches, one a line.
func (m *Message) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nsince: %s\n", m.Summary(), m.Since.UTC().Format(timeFormat))
	if m.State == alert.Resolved {
		fmt.Fprintf(&b, "until: %s\n", m.Until.UTC().Format(timeFormat))
	}
	if m.Link != "" {
		fmt.Fprintf(&b, "link: %s\n", m.Link)
	}
	if len(m.Events) > 0 {
		b.WriteString("\nnewest matches:\n")
	}
	for _, e := range m.Events {
		fmt.Fprintf(&b, "%s %s %s: %s\n", e.ReceivedAt.UTC().Format(timeFormat), e.FromHost, e.SysLogTag, e.Message)
	}
	return b.String()
}

// Link is the web UI's page at base on the query and window of n; "" when
// base is "".
func Link(base string, n *alert.Notice) string {
	if base == "" {
		return ""
	}
	v := url.Values{}
	v.Set("q", n.Rule.Query)
	v.Set("since", n.Since.Add(-n.Rule.Window).UTC().Format(timeFormat))
	v.Set("until", n.Until.Add(time.Second).UTC().Format(timeFormat))
	return strings.TrimSuffix(base, "/") + "/?" + v.Encode()
}
