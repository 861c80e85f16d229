package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Exit statuses of search, as grep's.
const (
	exitFound   = 0 // events printed or counted
	exitNone    = 1 // nothing matched
	exitTrouble = 2 // a usage error, a bad query or an unreadable database
)

// followInterval is how often search --follow looks for new events.
const followInterval = 250 * time.Millisecond

// followBacklog is how many matching events --follow shows before new ones
// when --limit is not given, like tail and journalctl.
const followBacklog = 10

// searchCommand is `aiosyslogd search`: read what serve stored. The
// searching itself is db.Search, db.Count and db.Follow.
func searchCommand() *cli.Command {
	return &cli.Command{
		Name:      "search",
		Usage:     "search what serve stored: full text, time range, fields; --follow for new messages",
		ArgsUsage: "[QUERY…]",
		Description: "QUERY is an SQLite FTS5 query on the message text: words (all must occur), \"a phrase\",\n" +
			"prefix*, AND, OR, NOT, NEAR(a b, 5), parentheses. Quote terms with punctuation:\n" +
			"'\"10.0.0.1\"'. Several arguments are joined by spaces. Without QUERY every message\n" +
			"in range matches. Flags go before QUERY.\n\n" +
			"Times (--since, --until): 15m, 2h, 7d, 1w, 30s (ago; also 1h30m), now, today, yesterday,\n" +
			"2026-11-24, \"2026-11-24 13:05[:07]\", 13:05 (today), RFC 3339 (2026-11-24T13:05:07Z),\n" +
			"@UNIXSECONDS. Without a zone, local time. --since is inclusive, --until exclusive.\n\n" +
			"The database is opened read-only and never created; searching never blocks serve.\n\n" +
			"Exit status: 0 when something matched (or --follow ended by Ctrl-C), 1 when nothing\n" +
			"matched, 2 for a usage error, a bad query or a database that cannot be read.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Aliases: []string{"database"}, Usage: "search the SQLite database `PATH` (default: sqlite.database of the configuration)", EnvVars: []string{"AIOSYSLOGD_DATABASE"}},
			&cli.StringFlag{Name: "since", Aliases: []string{"S"}, Usage: "only messages received at or after `TIME`"},
			&cli.StringFlag{Name: "until", Aliases: []string{"U"}, Usage: "only messages received before `TIME`"},
			&cli.StringFlag{Name: "host", Usage: "only messages from `HOST` (FromHost); wildcards * ? [] as in the shell"},
			&cli.StringFlag{Name: "tag", Aliases: []string{"t"}, Usage: "only messages with `TAG` (SysLogTag, the APP-NAME); wildcards as --host"},
			&cli.StringFlag{Name: "facility", Usage: "only messages of `FACILITY`: a name (auth, daemon, local0) or 0-23"},
			&cli.StringFlag{Name: "severity", Aliases: []string{"p"}, Usage: "only messages of `LEVEL` or more severe: emerg, alert, crit, err, warning, notice, info, debug or 0-7"},
			&cli.IntFlag{Name: "limit", Aliases: []string{"n"}, Value: 100, Usage: "print at most `N` messages, 0 for all (--follow: N before following, default 10)"},
			&cli.BoolFlag{Name: "reverse", Aliases: []string{"r"}, Usage: "oldest first (default: newest first)"},
			&cli.BoolFlag{Name: "count", Aliases: []string{"c"}, Usage: "print only the number of matching messages"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "`FORMAT`: text, json (one object per line) or rfc5424 (lines for convert and other tools)"},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "print the last messages, then new ones as serve stores them, until Ctrl-C"},
			&cli.StringFlag{Name: "color", Value: "auto", Usage: "`WHEN` to colour -o text by severity: auto (on a terminal, unless NO_COLOR is set), always, never"},
			&cli.BoolFlag{Name: "utc", Usage: "show -o text times in UTC instead of local time"},
		},
		Action: runSearch,
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return cli.Exit("aiosyslogd search: "+err.Error(), exitTrouble)
		},
	}
}

// searchFail ends search with a message and exit status 2.
func searchFail(format string, args ...any) error {
	return cli.Exit("aiosyslogd search: "+fmt.Sprintf(format, args...), exitTrouble)
}

func runSearch(c *cli.Context) error {
	q, err := searchQuery(c, time.Now())
	if err != nil {
		return searchFail("%v", err)
	}
	follow, count := c.Bool("follow"), c.Bool("count")
	switch {
	case follow && count:
		return searchFail("--follow and --count do not go together")
	case follow && c.IsSet("until"):
		return searchFail("--follow prints messages as they arrive: --until does not go with it")
	case follow && c.Bool("reverse"):
		return searchFail("--follow is always oldest first: --reverse does not go with it")
	}
	out, err := searchPrinter(c)
	if err != nil {
		return searchFail("%v", err)
	}
	path, err := searchDatabase(c)
	if err != nil {
		return searchFail("%v", err)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	reader, err := db.OpenReadOnly(ctx, path)
	if err != nil {
		return searchFail("%v", err)
	}
	defer reader.Close()

	switch {
	case count:
		n, err := db.Count(ctx, reader, q)
		if err != nil {
			return searchError(err)
		}
		fmt.Fprintln(c.App.Writer, n)
		if n == 0 {
			return cli.Exit("", exitNone)
		}
		return nil
	case follow:
		n := followBacklog
		if c.IsSet("limit") {
			n = q.Limit
		}
		print := func(e db.Event) error {
			if err := out.print(e); err != nil {
				return err
			}
			return out.Flush()
		}
		pos, err := db.Tail(ctx, reader, q, n, print)
		if err == nil {
			err = db.Follow(ctx, reader, q, pos, followInterval, print)
		}
		if err != nil && ctx.Err() == nil {
			return searchError(err)
		}
		return nil
	}
	found := 0
	err = db.Search(ctx, reader, q, func(e db.Event) error { found++; return out.print(e) })
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return searchError(err)
	}
	if found == 0 {
		return cli.Exit("", exitNone)
	}
	return nil
}

// searchError turns an error of db into search's message and exit status.
func searchError(err error) error {
	var bad *db.BadQueryError
	if errors.As(err, &bad) {
		msg := bad.Error()
		if strings.Contains(bad.Reason, "syntax error near") && !strings.HasSuffix(bad.Reason, `near ""`) {
			msg += ` (put terms with punctuation in double quotes: '"10.0.0.1"')`
		}
		return searchFail("%s", msg)
	}
	return searchFail("%v", err)
}

// searchDatabase is the database to search: --db, else the configuration's
// sqlite.database. A missing default configuration file means the defaults;
// search never writes one.
func searchDatabase(c *cli.Context) (string, error) {
	if c.IsSet("db") {
		if c.String("db") == "" {
			return "", errors.New("--db is empty")
		}
		return c.String("db"), nil
	}
	cfg, _, err := loadConfigNoCreate(c)
	if err != nil {
		return "", err
	}
	return cfg.SQLite.Database, nil
}

// searchPrinter makes the printer for -o, --color and --utc.
func searchPrinter(c *cli.Context) (*printer, error) {
	var color bool
	switch c.String("color") {
	case "auto":
		_, noColor := os.LookupEnv("NO_COLOR")
		color = !noColor && c.App.Writer == os.Stdout && isTerminal(os.Stdout)
	case "always":
		color = true
	case "never":
	default:
		return nil, fmt.Errorf("--color %s: want auto, always or never", c.String("color"))
	}
	loc := time.Local
	if c.Bool("utc") {
		loc = time.UTC
	}
	return newPrinter(c.App.Writer, c.String("output"), color, loc)
}

// searchQuery reads the query and the filters from the command line; now
// is what relative times count back from.
func searchQuery(c *cli.Context, now time.Time) (db.Query, error) {
	q := db.Query{Limit: c.Int("limit"), Oldest: c.Bool("reverse"), Host: c.String("host"), Tag: c.String("tag")}
	for _, a := range c.Args().Slice() {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			return q, fmt.Errorf("%q after the query: flags go before QUERY (aiosyslogd search --host web1 failed)", a)
		}
	}
	q.Match = strings.TrimSpace(strings.Join(c.Args().Slice(), " "))
	if q.Limit < 0 {
		return q, fmt.Errorf("--limit %d: want 0 (all) or more", q.Limit)
	}
	var err error
	for _, t := range []struct {
		flag string
		dst  *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		if c.IsSet(t.flag) {
			if *t.dst, err = parseTimeSpec(c.String(t.flag), now, time.Local); err != nil {
				return q, fmt.Errorf("--%s: %w", t.flag, err)
			}
		}
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return q, fmt.Errorf("--since %s is not before --until %s", q.Since.Format(time.RFC3339), q.Until.Format(time.RFC3339))
	}
	if c.IsSet("facility") {
		f, err := syslog.ParseFacility(c.String("facility"))
		if err != nil {
			return q, fmt.Errorf("--facility: %w", err)
		}
		q.Facility = &f
	}
	if c.IsSet("severity") {
		s, err := syslog.ParseSeverity(c.String("severity"))
		if err != nil {
			return q, fmt.Errorf("--severity: %w", err)
		}
		q.Severity = &s
	}
	return q, nil
}

// relativeTime is a time back from now: 15m, 2h, 7d, 1w, 1h30m, "-2h",
// "2h ago".
var relativeTime = regexp.MustCompile(`^-?((?:\d+[smhdw])+)(?: ago)?$`)

var relativePart = regexp.MustCompile(`(\d+)([smhdw])`)

var relativeUnits = map[string]time.Duration{
	"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

// absoluteLayouts are the absolute forms of a time without a zone, read in
// local time (RFC 3339, with its zone, is tried first).
var absoluteLayouts = []string{
	"2006-01-02",
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
}

// parseTimeSpec reads a --since or --until value; now and loc are the
// current time and the zone of times given without one.
func parseTimeSpec(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	now = now.In(loc)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	switch strings.ToLower(s) {
	case "now":
		return now, nil
	case "today":
		return midnight, nil
	case "yesterday":
		return midnight.AddDate(0, 0, -1), nil
	case "tomorrow":
		return midnight.AddDate(0, 0, 1), nil
	}
	if m := relativeTime.FindStringSubmatch(s); m != nil {
		var d time.Duration
		for _, part := range relativePart.FindAllStringSubmatch(m[1], -1) {
			n, err := strconv.ParseInt(part[1], 10, 32)
			if err != nil {
				return time.Time{}, fmt.Errorf("%q: %s is too large", s, part[0])
			}
			d += time.Duration(n) * relativeUnits[part[2]]
		}
		return now.Add(-d), nil
	}
	if secs, ok := strings.CutPrefix(s, "@"); ok {
		n, err := strconv.ParseInt(secs, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: want @ and a number of seconds since 1970", s)
		}
		return time.Unix(n, 0).In(loc), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02 15:04:05.999999999Z07:00", s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("15:04", s, loc); err == nil {
		return time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, loc), nil
	}
	if t, err := time.ParseInLocation("15:04:05", s, loc); err == nil {
		return time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc), nil
	}
	for _, layout := range absoluteLayouts {
		// A fraction of a second after the seconds is accepted by Parse.
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want 15m, 2h, 7d, today, 2026-11-24, \"2026-11-24 13:05\" or RFC 3339", s)
}
