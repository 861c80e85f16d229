//go:build e2e

package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// check accepts a good file and refuses a bad one with exit status 2 and
// the message serve prints for the same file.
func TestCheck(t *testing.T) {
	t.Parallel()
	busyUDP, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busyUDP.Close()
	busyTCP, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busyTCP.Close()
	udpPort := strconv.Itoa(busyUDP.LocalAddr().(*net.UDPAddr).Port)
	tcpPort := strconv.Itoa(busyTCP.Addr().(*net.TCPAddr).Port)
	tests := []struct {
		name    string
		file    string // %DIR% is the test's directory
		args    []string
		after   bool // --config after check, as in `aiosyslogd check --config PATH`
		code    int
		want    []string
		asServe bool // serve prints the same error for this file
	}{
		{name: "good", file: "[server]\nbind_ip = \"127.0.0.1\"\nbind_port = 0\n[sqlite]\ndatabase = \"%DIR%/x.db\"\n",
			code: 0, want: []string{"cfg.toml: ok"}},
		{name: "good, --config after check", file: "[server]\nbind_ip = \"127.0.0.1\"\nbind_port = 0\n[sqlite]\ndatabase = \"%DIR%/x.db\"\n",
			after: true, code: 0, want: []string{"cfg.toml: ok"}},
		{name: "unknown key, --config after check", file: "[server]\nbind_prot = 0\n", after: true,
			code: 2, want: []string{"cfg.toml: line 2: unknown key \"server.bind_prot\""}},
		{name: "unknown key", file: "[server]\nbind_port = 0\n[metrics]\nenabeld = true\n",
			code: 2, want: []string{"cfg.toml: line 4: unknown key \"metrics.enabeld\""}, asServe: true},
		{name: "wrong type", file: "[metrics]\nenabled = \"yes\"\n", code: 2, want: []string{"line 2", "metrics.enabled"}, asServe: true},
		{name: "bad value in the second table of that name", file: "[server]\nbind_port = 0\n[metrics]\nbind_port = 70000\n",
			code: 2, want: []string{"cfg.toml: line 4: metrics.bind_port = 70000: want 0 to 65535"}, asServe: true},
		// Values that passed before and then crashed serve (out of memory,
		// makechan), hung it (the prune loop) or were replaced silently.
		{name: "queue_size beyond its range", file: "[server]\nbind_port = 0\nqueue_size = 4611686018427387904\n", code: 2,
			want: []string{"cfg.toml: line 3: server.queue_size = 4611686018427387904: want 1 to 16,777,216 messages"}, asServe: true},
		{name: "queue_max_mb beyond its range", file: "[server]\nbind_port = 0\nqueue_max_mb = 0\n", code: 2,
			want: []string{"cfg.toml: line 3: server.queue_max_mb = 0: want 1 to 65536 MiB"}, asServe: true},
		{name: "batch_size beyond its range", file: "[server]\nbind_port = 0\n[sqlite]\nbatch_size = 1000000000000\n", code: 2,
			want: []string{"cfg.toml: line 4: sqlite.batch_size = 1000000000000: want 1 to 100,000 messages"}, asServe: true},
		{name: "retention_months beyond its range", file: "[server]\nbind_port = 0\n[sqlite]\nretention_months = 99999999999999\n", code: 2,
			want: []string{"cfg.toml: line 4: sqlite.retention_months = 99999999999999: want 0 to 1200 months"}, asServe: true},
		{name: "batch_timeout nan", file: "[server]\nbind_port = 0\n[sqlite]\nbatch_timeout = nan\n", code: 2,
			want: []string{"cfg.toml: line 4: sqlite.batch_timeout = NaN: want 0.001 to 3600 seconds"}, asServe: true},
		{name: "session_hours beyond its range", file: "[web_server]\nsession_hours = 99999999\n", code: 2,
			want: []string{"cfg.toml: line 2: web_server.session_hours = 99999999: want 1 to 8760 hours"}, asServe: true},
		{name: "log_format", file: "[server]\nlog_format = \"xml\"\n", code: 2,
			want: []string{`line 2: server.log_format = "xml": want "text" or "json"`}, asServe: true},
		{name: "database not SQLite", file: "[server]\nbind_port = 0\n[sqlite]\ndatabase = \"%DIR%/notes.txt\"\n",
			code: 2, want: []string{"notes.txt is not an SQLite database", "refusing to touch it"}, asServe: true},
		{name: "database is a directory", file: "[server]\nbind_port = 0\n[sqlite]\ndatabase = \"%DIR%\"\n",
			code: 2, want: []string{`sqlite.database = "`, ` is a directory, not a database file`}, asServe: true},
		{name: "database is /dev/null", file: "[server]\nbind_port = 0\n[sqlite]\ndatabase = \"/dev/null\"\n",
			code: 2, want: []string{`sqlite.database = "/dev/null": /dev/null is a device, not a database file`}, asServe: true},
		{name: "database directory missing", file: "[server]\nbind_port = 0\n[sqlite]\ndatabase = \"%DIR%/nope/x.db\"\n",
			code: 2, want: []string{"nope/x.db", "does not exist"}},
		{name: "UDP port in use", file: "[server]\nbind_ip = \"127.0.0.1\"\nbind_port = " + udpPort + "\n[tcp]\nbind_port = 0\n[sqlite]\ndatabase = \"%DIR%/x.db\"\n",
			code: 2, want: []string{"listen on udp 127.0.0.1:" + udpPort, "address already in use", "server.bind_port"}, asServe: true},
		{name: "UDP port in use, --no-bind", file: "[server]\nbind_ip = \"127.0.0.1\"\nbind_port = " + udpPort + "\n[tcp]\nbind_port = 0\n[sqlite]\ndatabase = \"%DIR%/x.db\"\n",
			args: []string{"--no-bind"}, code: 0, want: []string{"ok"}},
		{name: "metrics port in use", file: "[server]\nbind_port = 0\n[sqlite]\ndatabase = \"%DIR%/x.db\"\n[metrics]\nenabled = true\nbind_port = " + tcpPort + "\n",
			code: 2, want: []string{"listen on tcp 127.0.0.1:" + tcpPort, "address already in use", "metrics.bind_port"}, asServe: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("precious notes\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "cfg.toml"), []byte(strings.ReplaceAll(tt.file, "%DIR%", dir)), 0o644)
			args := append([]string{"--config", "cfg.toml", "check"}, tt.args...)
			if tt.after {
				args = append([]string{"check", "--config", "cfg.toml"}, tt.args...)
			}
			stdout, stderr, code := runBinary(t, dir, nil, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output lacks %q:\nstdout: %s\nstderr: %s", w, stdout, stderr)
				}
			}
			if tt.asServe {
				_, serveErr, serveCode := runBinary(t, dir, nil, "--config", "cfg.toml", "serve")
				if serveCode == 0 || !strings.HasSuffix(strings.TrimSpace(serveErr), strings.TrimSpace(stderr)) {
					t.Errorf("serve (exit %d) says\n%s\ncheck says\n%s", serveCode, serveErr, stderr)
				}
			}
		})
	}
}

// The installed example configuration reads as valid, sets every key, and
// keeps the database in the unit's state directory.
func TestDistConfig(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfigFile("../../dist/aiosyslogd.toml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SQLite.Database != "/var/lib/aiosyslogd/syslog.db" || cfg.Metrics.BindIP != "127.0.0.1" {
		t.Errorf("database %q, metrics on %q: want the state directory and loopback", cfg.SQLite.Database, cfg.Metrics.BindIP)
	}
	text, _ := os.ReadFile("../../dist/aiosyslogd.toml")
	for key := range configDefaults(t) {
		table, name, _ := strings.Cut(key, ".")
		section := string(text)[strings.Index(string(text), "["+table+"]"):]
		if !strings.Contains(section, "\n"+name+" = ") {
			t.Errorf("dist/aiosyslogd.toml does not set %s", key)
		}
	}
}

// The units say what the service needs (systemd-analyze verify, in CI,
// checks that systemd reads them).
func TestDistUnits(t *testing.T) {
	t.Parallel()
	common := []string{"ExecStart=/usr/bin/aiosyslogd ", "Environment=AIOSYSLOGD_CONFIG=/etc/aiosyslogd/aiosyslogd.toml",
		"DynamicUser=yes", "User=aiosyslogd", "StateDirectory=aiosyslogd", "ConfigurationDirectory=aiosyslogd",
		"ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SystemCallFilter=@system-service", "WantedBy=multi-user.target"}
	tests := []struct {
		unit string
		want []string
	}{
		{"aiosyslogd.service", append([]string{"Type=notify", "ExecStart=/usr/bin/aiosyslogd serve", "WatchdogSec=",
			"ExecReload=/bin/kill -HUP $MAINPID", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "TimeoutStopSec="}, common...)},
		{"aiosyslogd-web.service", append([]string{"ExecStart=/usr/bin/aiosyslogd web"}, common...)},
	}
	for _, tt := range tests {
		text, err := os.ReadFile("../../dist/" + tt.unit)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(text), "\n"+w) {
				t.Errorf("%s lacks %q", tt.unit, w)
			}
		}
	}
}

// --version names the commit and the Go that built it; completion prints
// each shell's script, and bash's really completes.
func TestVersionAndCompletion(t *testing.T) {
	t.Parallel()
	out, _, code := runBinary(t, t.TempDir(), nil, "--version")
	if code != 0 || !strings.Contains(out, "\ncommit ") || !strings.Contains(out, "\nbuilt with go") {
		t.Errorf("--version: exit %d\n%s", code, out)
	}
	for shell, want := range map[string]string{"bash": "complete -o bashdefault", "zsh": "#compdef aiosyslogd", "fish": "complete -c aiosyslogd"} {
		if out, _, code := runBinary(t, t.TempDir(), nil, "completion", shell); code != 0 || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, lacks %q", shell, code, want)
		}
	}
	if _, stderr, code := runBinary(t, t.TempDir(), nil, "completion", "tcsh"); code != 2 || !strings.Contains(stderr, "bash, zsh or fish") {
		t.Errorf("completion tcsh: exit %d, %q", code, stderr)
	}
	script := `source <(aiosyslogd completion bash); COMP_WORDS=(aiosyslogd ch); COMP_CWORD=1; _aiosyslogd_complete; echo "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(cleanEnv(), "PATH="+filepath.Dir(binPath)+":"+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "check" {
		t.Errorf("bash completes \"aiosyslogd ch\" as %q (%v), want check", out, err)
	}
}
