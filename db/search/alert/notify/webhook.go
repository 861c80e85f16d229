package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// Webhook POSTs each message as JSON to URL: ours (Message.JSON), or with
// Slack set, Slack's incoming-webhook form {"text": …}, which Mattermost
// and Rocket.Chat read too.
type Webhook struct {
	URL    string
	Slack  bool
	Client *http.Client // nil = http.DefaultClient; the Dispatcher times each attempt out
}

// Send posts m; an answer other than 2xx is an error.
func (w *Webhook) Send(ctx context.Context, m *Message) error {
	body, err := w.body(m)
	if err != nil {
		return err
	}
	return postJSON(ctx, w.Client, w.URL, body)
}

func (w *Webhook) body(m *Message) ([]byte, error) {
	if !w.Slack {
		return m.JSON()
	}
	text := m.Summary()
	if m.Link != "" {
		text += "\n" + m.Link
	}
	return search.MarshalUnescaped(map[string]string{"text": text})
}

// postJSON posts body to url; an answer other than 2xx is an error that
// quotes the start of the answer.
func postJSON(ctx context.Context, client *http.Client, url string, body []byte) error {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "aiosyslogd")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post %s: %s: %q", url, resp.Status, answer)
	}
	return nil
}
