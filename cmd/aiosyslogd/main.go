// Command aiosyslogd is a syslog server that stores messages in SQLite with
// a full-text index, and the tools to search and convert them.
//
//	aiosyslogd serve            receive syslog (UDP, TCP, TLS, RELP) and store it
//	aiosyslogd search [QUERY]   search what serve stored
//	aiosyslogd convert [FILE…]  turn RFC 3164 lines into RFC 5424 lines
//	aiosyslogd user …           manage the web UI's users
//	aiosyslogd web              the browser UI and HTTP API
//	aiosyslogd check            check the configuration without starting
//	aiosyslogd alert test|send  try an alert rule: replay it, or send a test notification
package main

import (
	"embed"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

func main() {
	if err := newApp().Run(os.Args); err != nil {
		// cli.Exit errors have already been printed and exited; anything
		// else is a failure of the command: one line, no stack trace.
		fmt.Fprintln(os.Stderr, "aiosyslogd:", err)
		os.Exit(1)
	}
}

func newApp() *cli.App {
	cli.VersionPrinter = printVersion
	return &cli.App{
		Name:    "aiosyslogd",
		Usage:   "a syslog server that stores messages in SQLite, with full-text search",
		Version: buildVersion(),
		// The hidden --generate-bash-completion flag that the scripts of
		// `aiosyslogd completion` call.
		EnableBashCompletion: true,
		Flags:                []cli.Flag{configFlag()},
		Commands: []*cli.Command{
			serveCommand(),
			searchCommand(),
			convertCommand(),
			copyCommand(),
			userCommand(),
			webCommand(),
			checkCommand(),
			alertCommand(),
			completionCommand(),
		},
		HideHelpCommand: true,
	}
}

// configFlag is --config, of the app and of the commands that take it
// after their name as well (aiosyslogd check --config PATH).
func configFlag() cli.Flag {
	return &cli.StringFlag{
		Name: "config",
		// No short form: search's -c is --count, and urfave/cli would
		// read a -c given to search as this flag's too.
		Usage:   "configuration file (default ./aiosyslogd.toml, written with defaults when missing)",
		EnvVars: []string{"AIOSYSLOGD_CONFIG"},
	}
}

// help holds what each command's --help says: help/NAME.txt, its one-line
// usage, a blank line, then its description.
//
//go:embed help/*.txt
var help embed.FS

// newCommand makes one subcommand of the app, with its text from help/. Its
// usage errors (an unknown flag, a value of the wrong type) end as every
// user mistake does: one line that names the command, and exit status 2.
func newCommand(name, args string, action cli.ActionFunc, flags ...cli.Flag) *cli.Command {
	text, err := help.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic(err) // embedded at build time; a test runs every command's --help
	}
	usage, description, _ := strings.Cut(strings.TrimSpace(string(text)), "\n\n")
	return &cli.Command{
		Name: name, ArgsUsage: args, Usage: usage, Description: description, Flags: flags, Action: action,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return cli.Exit("aiosyslogd "+name+": "+err.Error(), 2)
		},
	}
}
