// Command aiosyslogd is a syslog server that stores messages in SQLite with
// a full-text index, and the tools to search and convert them.
//
//	aiosyslogd serve            receive syslog over UDP and store it
//	aiosyslogd search [QUERY]   search what serve stored
//	aiosyslogd convert [FILE…]  turn RFC 3164 lines into RFC 5424 lines
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it comes from the module's build information.
var version = ""

func main() {
	if err := newApp().Run(os.Args); err != nil {
		// cli.Exit errors have already been printed and exited; anything
		// else is a failure of the command: one line, no stack trace.
		fmt.Fprintln(os.Stderr, "aiosyslogd:", err)
		os.Exit(1)
	}
}

func newApp() *cli.App {
	return &cli.App{
		Name:    "aiosyslogd",
		Usage:   "a syslog server that stores messages in SQLite, with full-text search",
		Version: buildVersion(),
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:    "config",
				Aliases: []string{"c"},
				Usage:   "configuration file (default ./aiosyslogd.toml, written with defaults when missing)",
				EnvVars: []string{"AIOSYSLOGD_CONFIG"},
			},
		},
		Commands: []*cli.Command{
			serveCommand(),
			searchCommand(),
			convertCommand(),
		},
		HideHelpCommand: true,
	}
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
