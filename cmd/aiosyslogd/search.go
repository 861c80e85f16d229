package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
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
// searching itself is sqlite.Reader's; here are only flags → query → printing.
func searchCommand() *cli.Command {
	return newCommand("search", "[QUERY…]", runSearch,
		&cli.StringFlag{Name: "db", Aliases: []string{"database"}, Usage: "search the SQLite database `PATH` (default: sqlite.database of the configuration)", EnvVars: []string{"AIOSYSLOGD_DATABASE"}},
		&cli.StringFlag{Name: "since", Aliases: []string{"S"}, Usage: "only messages received at or after `TIME`"},
		&cli.StringFlag{Name: "until", Aliases: []string{"U"}, Usage: "only messages received before `TIME`"},
		&cli.StringFlag{Name: "time", Value: "received", Usage: "`WHICH` time --since, --until, the order and -o text go by: received (when serve received the message) or event (the device's own timestamp where the message had one, else received)"},
		&cli.StringFlag{Name: "host", Usage: "only messages from `HOST` (FromHost); wildcards * ? [] as in the shell"},
		&cli.StringFlag{Name: "tag", Aliases: []string{"t"}, Usage: "only messages with `TAG` (SysLogTag, the APP-NAME); wildcards as --host"},
		&cli.StringFlag{Name: "facility", Usage: "only messages of `FACILITY`: a name (auth, daemon, local0) or 0-23"},
		&cli.StringFlag{Name: "severity", Aliases: []string{"p"}, Usage: "only messages of `LEVEL` or more severe: emerg, alert, crit, err, warning, notice, info, debug or 0-7"},
		&cli.StringSliceFlag{Name: "not-host", Usage: "leave out messages from `HOST` (a pattern as --host); repeatable"},
		&cli.StringSliceFlag{Name: "not-tag", Usage: "leave out messages with `TAG` (a pattern as --tag); repeatable"},
		&cli.StringSliceFlag{Name: "not-facility", Usage: "leave out messages of `FACILITY`; repeatable"},
		&cli.StringSliceFlag{Name: "not-severity", Usage: "leave out messages of exactly `LEVEL`; repeatable"},
		&cli.IntFlag{Name: "limit", Aliases: []string{"n"}, Value: 100, Usage: "print at most `N` messages, 0 for all (--follow: N before following, default 10)"},
		&cli.BoolFlag{Name: "reverse", Aliases: []string{"r"}, Usage: "oldest first (default: newest first)"},
		&cli.BoolFlag{Name: "count", Aliases: []string{"c"}, Usage: "print only the number of matching messages"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "`FORMAT`: text, json (one object per line) or rfc5424 (lines for convert and other tools)"},
		&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "print the last messages, then new ones as serve stores them, until Ctrl-C"},
		&cli.StringFlag{Name: "color", Value: "auto", Usage: "`WHEN` to colour -o text by severity: auto (on a terminal, unless NO_COLOR is set), always, never"},
		&cli.BoolFlag{Name: "utc", Usage: "show -o text times in UTC instead of local time"},
	)
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
	if err := checkSearchFlags(c); err != nil {
		return searchFail("%v", err)
	}
	out, err := searchPrinter(c)
	if err != nil {
		return searchFail("%v", err)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	src, err := searchSource(c)
	if err != nil {
		return searchFail("%v", err)
	}
	reader, err := openReader(ctx, src, 0)
	if errors.Is(err, db.ErrNoDatabase) && !src.postgres() {
		return searchFail("database %s does not exist (is this where serve writes? see sqlite.database in the config, or --db)", src.sqlitePath())
	}
	if err != nil {
		return searchFail("%v", err)
	}
	defer reader.Close()
	if r, ok := reader.(*sqlite.Reader); ok {
		if err := noteEmpty(ctx, c, r, src.sqlitePath()); err != nil {
			return err
		}
	}
	switch {
	case c.Bool("count"):
		return searchCount(ctx, c, reader, q)
	case c.Bool("follow"):
		return searchFollow(ctx, c, reader, q, out)
	}
	return searchPrint(ctx, reader, q, out)
}

// noteEmpty says on stderr when the database holds no messages yet (serve
// has made no month table in it): the search then finds nothing, and ends
// with status 1 as any search that matches nothing, but not in silence.
func noteEmpty(ctx context.Context, c *cli.Context, reader *sqlite.Reader, path string) error {
	if c.Bool("follow") {
		return nil // it waits for the first messages
	}
	months, err := sqlite.Months(ctx, reader.DB())
	if err != nil {
		return searchFail("%v", err)
	}
	if len(months) == 0 {
		fmt.Fprintf(c.App.ErrWriter, "aiosyslogd search: no messages stored yet in %s (serve makes a table for each month it writes to)\n", path)
	}
	return nil
}

// checkSearchFlags refuses flags that do not go together.
func checkSearchFlags(c *cli.Context) error {
	follow := c.Bool("follow")
	switch {
	case follow && c.Bool("count"):
		return errors.New("--follow and --count do not go together")
	case follow && c.IsSet("until"):
		return errors.New("--follow prints messages as they arrive: --until does not go with it")
	case follow && c.Bool("reverse"):
		return errors.New("--follow is always oldest first: --reverse does not go with it")
	}
	return nil
}

// searchPrint prints the events that match q.
func searchPrint(ctx context.Context, reader db.Searcher, q search.Query, out *printer) error {
	found := 0
	err := reader.Search(ctx, q, func(e search.Event) error { found++; return out.print(&e) })
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return searchFail("%v", err)
	}
	if found == 0 {
		return cli.Exit("", exitNone)
	}
	return nil
}

// searchCount prints how many events match q.
func searchCount(ctx context.Context, c *cli.Context, reader db.Searcher, q search.Query) error {
	n, err := reader.Count(ctx, q)
	if err != nil {
		return searchFail("%v", err)
	}
	fmt.Fprintln(c.App.Writer, n)
	if n == 0 {
		return cli.Exit("", exitNone)
	}
	return nil
}

// searchFollow prints the last events that match q, then the new ones as
// they are stored, until ctx ends.
func searchFollow(ctx context.Context, c *cli.Context, reader db.Browser, q search.Query, out *printer) error {
	n := followBacklog
	if c.IsSet("limit") {
		n = q.Limit
	}
	print := func(e search.Event) error {
		if err := out.print(&e); err != nil {
			return err
		}
		return out.Flush()
	}
	var err error
	if pg, ok := reader.(*postgres.Reader); ok {
		err = followSnapshot(ctx, pg, q, n, print)
	} else {
		var after search.Cursor
		if after, err = reader.Tail(ctx, q, n, print); err == nil {
			err = reader.Follow(ctx, q, after, followInterval, print)
		}
	}
	if err != nil && ctx.Err() == nil {
		return searchFail("%v", err)
	}
	return nil
}

// followSnapshot is follow on PostgreSQL, whose several writers commit
// out of ID order: from a snapshot, commit-safe (postgres.Reader's
// TailSnapshot), not by ID.
func followSnapshot(ctx context.Context, r *postgres.Reader, q search.Query, n int, print func(search.Event) error) error {
	from, err := r.TailSnapshot(ctx, q, n, print)
	if err != nil {
		return err
	}
	return r.FollowSnapshot(ctx, q, from, followInterval, print)
}

// searchSource is where search reads: the SQLite file of --db, else the
// configuration's store. A missing default configuration file means the
// defaults; search never writes one. With --db the configuration is not
// read.
func searchSource(c *cli.Context) (readSource, error) {
	if c.IsSet("db") {
		if c.String("db") == "" {
			return readSource{}, errors.New("--db is empty")
		}
		return readSource{cfg: &Config{}, file: c.String("db")}, nil
	}
	cfg, _, err := loadConfigNoCreate(c)
	if err != nil {
		return readSource{}, err
	}
	return readSource{cfg: &cfg}, nil
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
	p, err := newPrinter(c.App.Writer, c.String("output"), color, loc)
	if err == nil {
		p.at, err = search.ParseTimeField(c.String("time"))
	}
	return p, err
}

// searchQuery reads the query and the filters from the command line; now
// is what relative times count back from.
func searchQuery(c *cli.Context, now time.Time) (search.Query, error) {
	args, err := positionalArgs(c, true)
	if err != nil {
		return search.Query{}, err
	}
	expr, err := query.Parse(strings.Join(args, " "))
	if err != nil {
		return search.Query{}, fmt.Errorf("bad query: %w", err)
	}
	q := search.Query{Expr: expr, Limit: c.Int("limit")}
	if c.Bool("reverse") {
		q.Order = search.OldestFirst
	}
	if q.Limit < 0 {
		return q, fmt.Errorf("--limit %d: want 0 (all) or more", q.Limit)
	}
	if err := searchShortcuts(c).Apply(&q, now, time.Local); err != nil {
		return q, flagError(err)
	}
	return q, nil
}

// searchShortcuts are the filter flags as typed.
func searchShortcuts(c *cli.Context) *search.Shortcuts {
	return &search.Shortcuts{
		Since: c.String("since"), Until: c.String("until"), Time: c.String("time"),
		Host: c.String("host"), Tag: c.String("tag"),
		Facility: c.String("facility"), Severity: c.String("severity"),
		NotHosts: c.StringSlice("not-host"), NotTags: c.StringSlice("not-tag"),
		NotFacilities: c.StringSlice("not-facility"), NotSeverities: c.StringSlice("not-severity"),
	}
}

// flagError names a shortcut that does not read by its flag (--not-tag).
func flagError(err error) error {
	var se *search.ShortcutError
	var re *search.RangeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("--%s: %w", strings.ReplaceAll(se.Name, "_", "-"), se.Err)
	case errors.As(err, &re):
		return fmt.Errorf("--since %s is not before --until %s", re.Since.Format(time.RFC3339), re.Until.Format(time.RFC3339))
	}
	return err
}
