package notify

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
)

// Alertmanager posts each message to Prometheus Alertmanager's API v2
// (POST URL/api/v2/alerts). A firing alert is posted with an end time
// past the rule's next reminder, so that Alertmanager holds it while the
// rule fires; a resolved one ends when the rule resolved.
type Alertmanager struct {
	URL    string // Alertmanager's address: http://127.0.0.1:9093
	Client *http.Client
}

// amAlert is one alert of the API v2 (postableAlert).
type amAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     string            `json:"startsAt"`
	EndsAt       string            `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// holdFor is how much longer than the rule's repeat Alertmanager keeps a
// firing alert without hearing of it again.
const holdFor = 5 * time.Minute

// Send posts m as one alert.
func (a *Alertmanager) Send(ctx context.Context, m *Message) error {
	ends := time.Now().Add(m.Rule.Repeat + holdFor)
	if m.State == alert.Resolved {
		ends = m.Until
	}
	labels := map[string]string{"alertname": m.Rule.Name, "source": "aiosyslogd"}
	if m.Test {
		labels["test"] = "true"
	}
	al := amAlert{
		Labels: labels,
		Annotations: map[string]string{"summary": m.Summary(), "query": m.Rule.Query,
			"count": strconv.FormatInt(m.Count, 10), "threshold": strconv.Itoa(m.Rule.Threshold),
			"window": alert.FormatDuration(m.Rule.Window)},
		StartsAt: m.Since.UTC().Format(time.RFC3339Nano), EndsAt: ends.UTC().Format(time.RFC3339Nano),
		GeneratorURL: m.Link,
	}
	body, err := search.MarshalUnescaped([]amAlert{al})
	if err != nil {
		return err
	}
	return postJSON(ctx, a.Client, strings.TrimSuffix(a.URL, "/")+"/api/v2/alerts", body)
}
