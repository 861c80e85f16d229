package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
)

// checkCommand is `aiosyslogd check`: the configuration as serve would
// take it, without starting.
func checkCommand() *cli.Command {
	return newCommand("check", "", runCheck, configFlag(),
		&cli.BoolFlag{Name: "no-bind", Usage: "do not try the ports (the running server holds them)"},
	)
}

// runCheck reads the configuration as serve does, then checks the files it
// names and the ports it would bind; it prints each problem as serve
// would, and exits 2 when there is one.
func runCheck(c *cli.Context) error {
	cfg, path, err := loadConfigNoCreate(c)
	if err != nil {
		return cli.Exit("aiosyslogd: "+err.Error(), 2)
	}
	var problems []string
	for _, check := range fileChecks {
		if err := check(&cfg, path); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if !c.Bool("no-bind") {
		for _, l := range listenSpecs(&cfg) {
			if err := l.try(); err != nil {
				problems = append(problems, listenHint(err, l.key))
			}
		}
	}
	if len(problems) > 0 {
		return cli.Exit("aiosyslogd: "+strings.Join(problems, "\naiosyslogd: "), 2)
	}
	if path == "" {
		path = "no configuration file: the defaults"
	}
	fmt.Fprintf(c.App.Writer, "%s: ok\n", path)
	return nil
}

// fileChecks check the files a configuration names, as serve will open
// them. A key that names a file (a TLS certificate) adds its check here.
var fileChecks = []func(cfg *Config, cfgPath string) error{
	checkDatabase,
	checkTLSFiles,
	checkRulesFile,
}

// checkRulesFile reads the rules file (the web page's) as serve does: its
// mistakes, and a name also in the configuration read from cfgPath.
func checkRulesFile(cfg *Config, cfgPath string) error {
	_, err := allRules(cfg, cfgPath)
	return err
}

// checkTLSFiles loads the TLS certificate, key and client CA as serve
// does, when TLS is on.
func checkTLSFiles(cfg *Config, _ string) error {
	if !cfg.TLS.Enabled {
		return nil
	}
	kp, err := receive.LoadKeyPair(cfg.TLS.CertFile, cfg.TLS.KeyFile)
	if err != nil {
		return fmt.Errorf("%w (tls.cert_file, tls.key_file)", err)
	}
	if _, err := receive.ServerTLSConfig(kp, cfg.TLS.ClientCAFile); err != nil {
		return fmt.Errorf("%w (tls.client_ca_file)", err)
	}
	return nil
}

// checkDatabase checks that serve can open or create sqlite.database: its
// directory exists and takes new files (the database's WAL), and a file
// already there is an SQLite database.
func checkDatabase(cfg *Config, _ string) error {
	if !cfg.SQLite.Enabled {
		return nil
	}
	path := cfg.SQLite.Database
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sqlite.database = %q: directory %s does not exist (serve does not make it; systemd makes a unit's StateDirectory when it starts it)", path, dir)
		}
		return fmt.Errorf("sqlite.database = %q: %w", path, err)
	}
	probe, err := os.CreateTemp(dir, ".aiosyslogd-check-*")
	if err != nil {
		var perr *fs.PathError
		if errors.As(err, &perr) {
			err = perr.Err // the probe's random name says nothing
		}
		return fmt.Errorf("sqlite.database = %q: cannot create files in %s: %w", path, dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return checkDatabaseFile(path)
}

// checkDatabaseFile refuses, as serve does before opening it, a database
// path that names something other than a regular file (a directory,
// /dev/null, a FIFO) or a file that is not an SQLite database. The error
// names the key.
func checkDatabaseFile(path string) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return databaseError(path, fmt.Errorf("%s is %s, not a database file", path, fileKind(fi.Mode())))
	}
	if err := sqlite.CheckFile(path); err != nil {
		return databaseError(path, err)
	}
	return nil
}

// databaseError is err about the database at path, naming its key.
func databaseError(path string, err error) error {
	return fmt.Errorf("sqlite.database = %q: %w", path, err)
}

// fileKind says what a file that is not a regular one is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

// listenSpec is a socket serve binds at start: the key of its port, its
// network and its address.
type listenSpec struct {
	key, network, addr string
}

// listenSpecs are the sockets serve binds for cfg; a transport adds its
// own here.
func listenSpecs(cfg *Config) []listenSpec {
	specs := []listenSpec{{"server.bind_port", "udp", cfg.Addr()}}
	if cfg.TCP.Enabled && !cfg.TCPFollowsUDP() {
		key := "server.bind_port"
		if cfg.TCP.BindPort != nil {
			key = "tcp.bind_port"
		}
		specs = append(specs, listenSpec{key, "tcp", cfg.TCPAddr(cfg.Server.BindPort)})
	}
	if cfg.TLS.Enabled {
		specs = append(specs, listenSpec{"tls.bind_port", "tcp", net.JoinHostPort(cfg.TLS.BindIP, strconv.Itoa(cfg.TLS.BindPort))})
	}
	if cfg.RELP.Enabled {
		specs = append(specs, listenSpec{"relp.bind_port", "tcp", net.JoinHostPort(cfg.RELP.BindIP, strconv.Itoa(cfg.RELP.BindPort))})
	}
	if cfg.Metrics.Enabled {
		specs = append(specs, listenSpec{"metrics.bind_port", "tcp", cfg.MetricsAddr()})
	}
	return specs
}

// try binds the socket and closes it at once; the error reads as serve's.
func (l listenSpec) try() error {
	var err error
	if l.network == "udp" {
		var pc net.PacketConn
		if pc, err = net.ListenPacket(l.network, l.addr); err == nil {
			pc.Close()
		}
	} else {
		var ln net.Listener
		if ln, err = net.Listen(l.network, l.addr); err == nil {
			ln.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("listen on %s %s: %w", l.network, l.addr, err)
	}
	return nil
}
