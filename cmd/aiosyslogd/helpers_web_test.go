//go:build e2e

package main

import (
	"bufio"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// webProc is a running `aiosyslogd web` started by a test.
type webProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string        // http://127.0.0.1:PORT or https://…
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, set before done closes

	mu     sync.Mutex
	stderr strings.Builder
}

// webConfig is the configuration of a web test in dir: serve's database
// there, the users file there, any free port; extra is added to
// [web_server].
func webConfig(dbPath, extra string) string {
	if !strings.Contains(extra, "bind_port") {
		extra += "\nbind_port = 0"
	}
	return testConfig(dbPath, "", "") + "\n[web_server]\nbind_ip = \"127.0.0.1\"\n" + extra + "\n"
}

// pythonUsers copies web/testdata/users.json, made by the Python
// aiosyslogd's hashing (alice, an admin; bob; carol: passwords
// NAME-password), into dir.
func pythonUsers(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile("../../web/testdata/users.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// startWeb starts `aiosyslogd --config CONFIG web` in dir and returns once
// it logged the address it listens on.
func startWeb(t *testing.T, dir, config string) *webProc {
	t.Helper()
	cfgPath := filepath.Join(dir, "web.toml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	w := &webProc{t: t, done: make(chan struct{})}
	w.cmd = exec.Command(binPath, "--config", cfgPath, "web")
	w.cmd.Dir = dir
	w.cmd.Env = cleanEnv()
	stderr, err := w.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	go func() { // the only caller of Wait
		defer close(w.done)
		defer func() { w.err = w.cmd.Wait() }()
		re := regexp.MustCompile(`msg=listening .*url=(\S+)/`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			w.mu.Lock()
			w.stderr.WriteString(sc.Text() + "\n")
			w.mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				listening <- m[1]
			}
		}
	}()
	t.Cleanup(func() {
		select {
		case <-w.done:
		default:
			w.cmd.Process.Kill()
			<-w.done
		}
		if t.Failed() {
			t.Logf("web stderr:\n%s", w.Stderr())
		}
	})
	select {
	case w.url = <-listening:
	case <-w.done:
		t.Fatalf("web exited before listening:\n%s", w.Stderr())
	case <-time.After(60 * time.Second):
		t.Fatalf("web did not listen within 60s:\n%s", w.Stderr())
	}
	return w
}

// port is the port web listens on.
func (w *webProc) port() string {
	_, port, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(w.url, "https://"), "http://"), ":")
	return port
}

func (w *webProc) Stderr() string { w.mu.Lock(); defer w.mu.Unlock(); return w.stderr.String() }

// Stop sends SIGTERM and waits, at most 30 s, for a clean exit.
func (w *webProc) Stop() {
	w.t.Helper()
	w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
		if w.err != nil {
			w.t.Fatalf("web exit: %v\n%s", w.err, w.Stderr())
		}
	case <-time.After(30 * time.Second):
		w.t.Fatalf("web did not exit within 30s of SIGTERM:\n%s", w.Stderr())
	}
}

// webClient is a client that keeps cookies, follows no redirects and
// trusts any certificate (the tests' own).
func webClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
}

// webLogin logs c in as a browser does, the login form's CSRF token
// first, and returns the response.
func (w *webProc) webLogin(c *http.Client, name, password string) *http.Response {
	w.t.Helper()
	return w.webPost(c, "/login", url.Values{"username": {name}, "password": {password}, "csrf_token": {w.csrfToken(c, "/login")}})
}

// webPost posts form to path with c and returns the response, its body
// read and closed.
func (w *webProc) webPost(c *http.Client, path string, form url.Values, header ...string) *http.Response {
	w.t.Helper()
	req, _ := http.NewRequest("POST", w.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// csrfToken is the CSRF token of the form on the page at path, as c gets it.
func (w *webProc) csrfToken(c *http.Client, path string) string {
	w.t.Helper()
	_, body := w.webGet(c, path)
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		w.t.Fatalf("no CSRF token in %s: %s", path, body)
	}
	return m[1]
}

// webGet fetches path with c and returns the status and body.
func (w *webProc) webGet(c *http.Client, path string, header ...string) (int, string) {
	w.t.Helper()
	req, _ := http.NewRequest("GET", w.url+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
