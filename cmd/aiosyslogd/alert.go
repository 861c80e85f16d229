package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/notify"
)

// alertCommand is `aiosyslogd alert`: trying the rules of [[alert]].
func alertCommand() *cli.Command {
	sub := func(verb, args, usage string, action cli.ActionFunc, flags ...cli.Flag) *cli.Command {
		return &cli.Command{
			Name: verb, Usage: usage, ArgsUsage: args, Action: action, HideHelpCommand: true,
			Flags: append(flags, &cli.StringFlag{Name: "db", Aliases: []string{"database"},
				Usage: "the SQLite database `PATH` (default: sqlite.database of the configuration)", EnvVars: []string{"AIOSYSLOGD_DATABASE"}}),
			OnUsageError: func(c *cli.Context, err error, _ bool) error {
				return cli.Exit("aiosyslogd alert "+verb+": "+err.Error(), 2)
			},
		}
	}
	cmd := newCommand("alert", "", func(c *cli.Context) error {
		return cli.Exit("aiosyslogd alert: say test or send (aiosyslogd alert --help)", 2)
	})
	cmd.HideHelpCommand = true
	cmd.Subcommands = []*cli.Command{
		sub("test", "[NAME]", "replay a rule over stored history: when it would have fired and resolved", runAlertTest,
			&cli.StringFlag{Name: "since", Aliases: []string{"S"}, Value: "7d", Usage: "replay the messages received at or after `TIME`"},
			&cli.StringFlag{Name: "until", Aliases: []string{"U"}, Usage: "and before `TIME` (default now)"},
			&cli.StringFlag{Name: "query", Aliases: []string{"q"}, Usage: "the rule's `QUERY`, for a rule not yet written"},
			&cli.IntFlag{Name: "threshold", Usage: "fire at `N` matches within the window (default 1, or the rule's)"},
			&cli.StringFlag{Name: "window", Usage: "the `DURATION` counted (default 1m, or the rule's)"}),
		sub("send", "NAME", "send a test notification through the rule's notifiers", runAlertSend),
	}
	return cmd
}

func alertFail(verb string, code int, format string, args ...any) error {
	return cli.Exit("aiosyslogd alert "+verb+": "+fmt.Sprintf(format, args...), code)
}

// configuredRule is the rule named name in the configuration (read from
// cfgPath) or in the rules file (the web page's).
func configuredRule(cfg *Config, cfgPath, name string) (alert.Rule, error) {
	rules, err := allRules(cfg, cfgPath)
	if err != nil {
		return alert.Rule{}, err
	}
	var names []string
	for _, r := range rules {
		if r.Name == name {
			return r, nil
		}
		names = append(names, fmt.Sprintf("%q", r.Name))
	}
	if len(names) == 0 {
		return alert.Rule{}, fmt.Errorf("no [[alert]] is named %q: the configuration and the rules file have none", name)
	}
	return alert.Rule{}, fmt.Errorf("no [[alert]] is named %q; there are %s", name, joinNames(names))
}

func joinNames(names []string) string {
	slices.Sort(names)
	s := names[0]
	for _, n := range names[1:] {
		s += ", " + n
	}
	return s
}

// testRule is the rule alert test replays: NAME's, or --query's, with the
// flags over it.
func testRule(c *cli.Context, cfg *Config, cfgPath string) (alert.Rule, error) {
	var r alert.Rule
	var err error
	switch {
	case c.NArg() > 1:
		return r, errors.New("one rule at a time: quote a NAME with spaces")
	case c.NArg() == 1 && c.IsSet("query"):
		return r, errors.New("NAME or --query, not both")
	case c.NArg() == 1:
		r, err = configuredRule(cfg, cfgPath, c.Args().First())
	case c.IsSet("query"):
		r, err = alert.NewRule("--query", c.String("query"))
	default:
		return r, errors.New("name a rule of the configuration, or give --query")
	}
	if err != nil {
		return r, err
	}
	if c.IsSet("threshold") {
		r.Threshold = c.Int("threshold")
	}
	if c.IsSet("window") {
		if r.Window, err = alert.ParseDuration(c.String("window")); err != nil {
			return r, fmt.Errorf("--window: %w", err)
		}
	}
	return r, r.Validate()
}

// alertReader opens the database of --db or the configuration: the
// SQLite file, or PostgreSQL (read_dsn, else dsn) when it is enabled and
// --db names no file.
func alertReader(ctx context.Context, c *cli.Context, cfg *Config) (db.Searcher, error) {
	src := readSource{cfg: cfg}
	if c.IsSet("db") {
		src.file = c.String("db")
	}
	r, err := openReader(ctx, src, 0)
	if errors.Is(err, db.ErrNoDatabase) && !src.postgres() {
		return nil, fmt.Errorf("database %s does not exist (see sqlite.database in the config, or --db)", src.sqlitePath())
	}
	return r, err
}

func runAlertTest(c *cli.Context) error {
	cfg, path, err := loadConfigNoCreate(c)
	if err != nil {
		return alertFail("test", 2, "%v", err)
	}
	r, err := testRule(c, &cfg, path)
	if err != nil {
		return alertFail("test", 2, "%v", err)
	}
	now := time.Now()
	since, until, err := replaySpan(c, now)
	if err != nil {
		return alertFail("test", 2, "%v", err)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	reader, err := alertReader(ctx, c, &cfg)
	if err != nil {
		return alertFail("test", 2, "%v", err)
	}
	defer reader.Close()
	intervals, err := alert.Replay(ctx, reader, r, since, until)
	if err != nil {
		return alertFail("test", 2, "%v", err)
	}
	printReplay(c.App.Writer, &r, since, until, intervals)
	if len(intervals) == 0 {
		return cli.Exit("", 1)
	}
	return nil
}

// replaySpan is --since and --until.
func replaySpan(c *cli.Context, now time.Time) (since, until time.Time, err error) {
	if since, err = search.ParseTime(c.String("since"), now, time.Local); err != nil {
		return since, until, fmt.Errorf("--since: %w", err)
	}
	until = now
	if c.IsSet("until") {
		if until, err = search.ParseTime(c.String("until"), now, time.Local); err != nil {
			return since, until, fmt.Errorf("--until: %w", err)
		}
	}
	return since, until, nil
}

// printReplay prints the firings of r replayed between since and until,
// one a line.
func printReplay(w io.Writer, r *alert.Rule, since, until time.Time, intervals []alert.Interval) {
	fmt.Fprintf(w, "%s: %s, %d within %s, replayed from %s to %s\n", r.Name, r.Query, r.Threshold,
		alert.FormatDuration(r.Window), since.Format(time.RFC3339), until.Format(time.RFC3339))
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "fired\tresolved\tcount\tpeak")
	var total time.Duration
	for _, iv := range intervals {
		resolved, end := "(still firing)", until
		if !iv.Until.IsZero() {
			resolved, end = iv.Until.Local().Format(time.RFC3339Nano), iv.Until
		}
		total += end.Sub(iv.Since)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\n", iv.Since.Local().Format(time.RFC3339Nano), resolved, iv.Count, iv.Peak)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d firings, %s firing in all\n", len(intervals), total.Round(time.Second))
}

func runAlertSend(c *cli.Context) error {
	cfg, path, err := loadConfigNoCreate(c)
	if err != nil {
		return alertFail("send", 2, "%v", err)
	}
	if c.NArg() != 1 {
		return alertFail("send", 2, "name one rule of the configuration")
	}
	r, err := configuredRule(&cfg, path, c.Args().First())
	if err != nil {
		return alertFail("send", 2, "%v", err)
	}
	notifiers, err := cfg.NotifierSet()
	if err != nil {
		return alertFail("send", 2, "%v", err)
	}
	if len(r.Notify) == 0 {
		return alertFail("send", 2, "alert %q names no notifier (notify)", r.Name)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	d := &notify.Dispatcher{Attempts: 1}
	d.SetBaseURL(cfg.Web.BaseURL)
	n := alert.Notice{Rule: r, State: alert.Firing, Test: true, Until: time.Now()}
	n.Since = n.Until.Add(-r.Window)
	if reader, err := alertReader(ctx, c, &cfg); err == nil {
		defer reader.Close()
		d.Events = reader
		n.Count, _ = reader.Count(ctx, search.Query{Expr: r.Expr, Since: n.Since, Until: n.Until})
	}
	return sendTest(ctx, c.App.Writer, d, notifiers, d.Message(ctx, n))
}

// sendTest sends m through each notifier of its rule and says how it went.
func sendTest(ctx context.Context, w io.Writer, d *notify.Dispatcher, notifiers map[string]notify.Notifier, m *notify.Message) error {
	failed := 0
	for _, name := range m.Rule.Notify {
		if err := d.Send(ctx, name, notifiers[name], m); err != nil {
			fmt.Fprintf(w, "%s: failed: %v\n", name, err)
			failed++
			continue
		}
		fmt.Fprintf(w, "%s: sent\n", name)
	}
	if failed > 0 {
		return cli.Exit(fmt.Sprintf("aiosyslogd alert send: %d of %d notifiers failed", failed, len(m.Rule.Notify)), 1)
	}
	return nil
}
