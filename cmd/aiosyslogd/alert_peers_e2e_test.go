//go:build e2e

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/internal/testcert"
)

// startPeer runs a peer's command until the test ends, its output kept in
// out, and waits until it accepts connections on addr.
func startPeer(t *testing.T, addr string, out *syncBuilder, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not on PATH: make peers installs it", name)
	}
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("%s said:\n%s", name, out.String())
		}
	})
	eventually(t, 30*time.Second, func() error {
		select {
		case <-done:
			t.Fatalf("%s exited:\n%s", name, out.String())
		default:
		}
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		return c.Close()
	})
}

// A firing reaches a real SMTP server (aiosmtpd) over STARTTLS, and over
// TLS from the start for smtps://, the daemon trusting the test's CA; the
// mail says which rule, why, and shows the newest matches.
func TestAlertEmail(t *testing.T) {
	dir := t.TempDir()
	ca, err := testcert.NewCA("aiosyslogd test CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, key, caFile := filepath.Join(dir, "smtp.crt"), filepath.Join(dir, "smtp.key"), filepath.Join(dir, "ca.pem")
	if err := ca.WriteFiles(testcert.Cert{Name: "127.0.0.1"}, cert, key); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(caFile, ca.PEM, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		tlsArg []string // aiosmtpd's TLS flags
		scheme string
	}{
		{"starttls", []string{"--tlscert", cert, "--tlskey", key}, ""},
		{"smtps", []string{"--smtpscert", cert, "--smtpskey", key}, "smtps://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
			var out syncBuilder
			startPeer(t, addr, &out, "aiosmtpd", append([]string{"-n", "-l", addr}, tt.tlsArg...)...)
			d := startDaemonEnv(t, []string{"SSL_CERT_FILE=" + caFile}, func(p string) string {
				return testConfig(p, "", "") + fmt.Sprintf(`
[[notifier]]
name = "mail"
type = "email"
smtp = "%s%s"
from = "aiosyslogd@example.com"
to = ["ops@example.com", "oncall@example.com"]

[[alert]]
name = "ssh brute force"
query = 'tag:sshd "Failed password"'
threshold = 3
window = "1m"
notify = ["mail"]
`, tt.scheme, addr)
			})
			d.send(sshBurst(3)...)
			var msg *mail.Message
			eventually(t, 30*time.Second, func() error {
				text := out.String()
				// aiosmtpd's debugging handler prints the mail between
				// these lines, after a line of its own (mail options).
				start := strings.Index(text, "---------- MESSAGE FOLLOWS ----------\n")
				end := strings.Index(text, "------------ END MESSAGE ------------")
				if start < 0 || end < 0 {
					return fmt.Errorf("no mail yet:\n%s\n%s", text, d.Stderr())
				}
				from := strings.Index(text[start:end], "\nFrom: ")
				var err error
				msg, err = mail.ReadMessage(strings.NewReader(text[start+from+1 : end]))
				return err
			})
			checkMail(t, msg)
		})
	}
}

func checkMail(t *testing.T, msg *mail.Message) {
	t.Helper()
	h := msg.Header
	if h.Get("From") != "aiosyslogd@example.com" || h.Get("To") != "ops@example.com, oncall@example.com" ||
		!strings.HasPrefix(h.Get("Subject"), `aiosyslogd: [FIRING] ssh brute force: `) ||
		!strings.Contains(h.Get("Subject"), `matching tag:sshd "Failed password" within 1m (threshold 3)`) {
		t.Errorf("headers: %v", h)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "newest matches:") || strings.Count(string(body), "gw sshd: Failed password for root") != 3 {
		t.Errorf("body:\n%s", body)
	}
}

// Alertmanager, started by the test, shows the firing alert through its
// API, and no longer once the rule resolved.
func TestAlertAlertmanager(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, []byte("route:\n  receiver: none\nreceivers:\n  - name: none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	var out syncBuilder
	startPeer(t, addr, &out, "prometheus-alertmanager", "--config.file="+cfg, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=")
	d := startDaemon(t, func(p string) string {
		return testConfig(p, "", "") + fmt.Sprintf(`
[[notifier]]
name = "am"
type = "alertmanager"
url = "http://%s"

[[alert]]
name = "ssh brute force"
query = 'tag:sshd "Failed password"'
threshold = 3
window = "5s"
notify = ["am"]
`, addr)
	})
	d.send(sshBurst(3)...)
	eventually(t, 30*time.Second, func() error {
		alerts := amAlerts(t, addr)
		if len(alerts) != 1 || alerts[0].Labels["alertname"] != "ssh brute force" || alerts[0].Status.State != "active" ||
			alerts[0].Annotations["query"] != sshQuery {
			return fmt.Errorf("alerts: %+v\n%s", alerts, d.Stderr())
		}
		if n, _ := strconv.Atoi(alerts[0].Annotations["count"]); n < 3 {
			return fmt.Errorf("count %q", alerts[0].Annotations["count"])
		}
		return nil
	})
	d.waitLog(`msg="alert notification sent" alert="ssh brute force" notifier=am state=resolved`, 30*time.Second)
	eventually(t, 30*time.Second, func() error {
		if alerts := amAlerts(t, addr); len(alerts) != 0 {
			return fmt.Errorf("still shown after the resolve: %+v", alerts)
		}
		return nil
	})
}

// amAlert is what Alertmanager's GET /api/v2/alerts says of an alert.
type amAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Status      struct {
		State string `json:"state"`
	} `json:"status"`
}

func amAlerts(t *testing.T, addr string) []amAlert {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/api/v2/alerts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var alerts []amAlert
	if err := json.NewDecoder(bufio.NewReader(resp.Body)).Decode(&alerts); err != nil {
		t.Fatalf("GET /api/v2/alerts: %s: %v", resp.Status, err)
	}
	return alerts
}
