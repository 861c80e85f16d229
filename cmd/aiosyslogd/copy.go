package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
)

// copyCommand is `aiosyslogd copy`: an SQLite history into PostgreSQL.
func copyCommand() *cli.Command {
	return newCommand("copy", "", runCopy,
		&cli.StringFlag{Name: "from", Usage: "the database to copy: sqlite:PATH"},
		&cli.StringFlag{Name: "to", Value: "postgresql", Usage: "postgresql (the config file's [postgresql] dsn and password_file) or postgresql:DSN"},
		&cli.IntFlag{Name: "batch-size", Value: 5000, Usage: "events per COPY and transaction; 1 to 100000"},
		&cli.IntFlag{Name: "sample", Value: 100, Usage: "events per month compared field by field at the end; 0 to 100000"},
	)
}

// copyJob is what runCopy reads from its flags.
type copyJob struct {
	path, source string // the SQLite file as given, and its absolute path
	target       postgres.Options
	batch        int
	sample       int
}

func copyFail(code int, format string, args ...any) error {
	return cli.Exit("aiosyslogd copy: "+fmt.Sprintf(format, args...), code)
}

// copyJobOf checks the flags.
func copyJobOf(c *cli.Context) (copyJob, error) {
	var j copyJob
	path, ok := strings.CutPrefix(c.String("from"), "sqlite:")
	if !ok || path == "" {
		return j, copyFail(2, "--from %q: want sqlite:PATH, the SQLite database to copy", c.String("from"))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return j, copyFail(2, "--from: %v", err)
	}
	j.path, j.source = path, abs
	if j.batch = c.Int("batch-size"); j.batch < 1 || j.batch > 100_000 {
		return j, copyFail(2, "--batch-size %d: want 1 to 100000", j.batch)
	}
	if j.sample = c.Int("sample"); j.sample < 0 || j.sample > 100_000 {
		return j, copyFail(2, "--sample %d: want 0 to 100000", j.sample)
	}
	switch to := c.String("to"); {
	case to == "postgresql":
		cfg, _, err := loadConfigNoCreate(c)
		if err != nil {
			return j, copyFail(2, "%v", err)
		}
		j.target = postgres.Options{DSN: cfg.PostgreSQL.DSN, PasswordFile: cfg.PostgreSQL.PasswordFile}
	case strings.HasPrefix(to, "postgresql:"):
		j.target.DSN = strings.TrimPrefix(to, "postgresql:")
		if dsnHasPassword(j.target.DSN) {
			return j, copyFail(2, "--to: the DSN holds a password, which every user of this machine can read in the process list: use PGPASSWORD, ~/.pgpass or the config file's password_file")
		}
	default:
		return j, copyFail(2, "--to %q: want postgresql or postgresql:DSN", to)
	}
	return j, nil
}

// runCopy copies every month table of the SQLite database, oldest first,
// into PostgreSQL, then compares the counts and a sample.
func runCopy(c *cli.Context) error {
	j, err := copyJobOf(c)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	reader, err := sqlite.OpenReader(ctx, j.path)
	if err != nil {
		return copyFail(2, "%v", err)
	}
	defer reader.Close()
	store, err := postgres.Open(ctx, j.target)
	if err != nil {
		return copyFail(1, "postgresql: %v", err)
	}
	defer store.Close()
	months, err := reader.Months(ctx)
	if err != nil {
		return copyFail(1, "%v", err)
	}
	slices.Reverse(months) // oldest first
	w := c.App.Writer
	bar := newProgressBar(w, w == os.Stdout && isTerminal(os.Stdout))
	if err := copyMonths(ctx, reader, store, j, months, bar); err != nil {
		return copyFail(1, "%v", err)
	}
	bad, err := verifyCopy(ctx, reader, store, j, months, w)
	if err != nil {
		return copyFail(1, "%v", err)
	}
	if bad > 0 {
		return copyFail(1, "%d mismatches between %s and PostgreSQL (above)", bad, j.path)
	}
	fmt.Fprintln(w, "copy complete: counts and sample equal")
	return nil
}

// copyMonths copies months, each after the last ID an earlier run stored.
func copyMonths(ctx context.Context, reader *sqlite.Reader, store *postgres.Store, j copyJob, months []db.Month, bar *progressBar) error {
	done, err := store.CopyProgress(ctx, j.source)
	if err != nil {
		return err
	}
	for _, m := range months {
		n, err := reader.CountMonth(ctx, m)
		if err != nil {
			return err
		}
		bar.total += n
		bar.done += done[m.String()].Events
	}
	if bar.done > 0 {
		fmt.Fprintf(bar.w, "resuming: %d events stored by an earlier run\n", bar.done)
	}
	bar.resumed = bar.done
	for _, m := range months {
		after := done[m.String()].LastID
		bar.month = m.String()
		for {
			events, err := reader.EventsAfter(ctx, m, after, j.batch)
			if err != nil {
				return err
			}
			if len(events) == 0 {
				break
			}
			if err := store.CopyBatch(ctx, j.source, m, after, events); err != nil {
				return err
			}
			after = events[len(events)-1].ID
			bar.add(int64(len(events)))
		}
	}
	bar.finish()
	return nil
}

// verifyCopy prints, for each month, the events of the SQLite table, those
// the copy stored and those the partition holds, then looks up a sample
// of each month's events in PostgreSQL field by field. It returns how many
// mismatches it printed.
func verifyCopy(ctx context.Context, reader *sqlite.Reader, store *postgres.Store, j copyJob, months []db.Month, w interface{ Write([]byte) (int, error) }) (int, error) {
	done, err := store.CopyProgress(ctx, j.source)
	if err != nil {
		return 0, err
	}
	bad := 0
	fmt.Fprintf(w, "%-8s %12s %12s %12s\n", "month", "sqlite", "copied", "postgresql")
	for _, m := range months {
		src, err := reader.CountMonth(ctx, m)
		if err != nil {
			return bad, err
		}
		dst, err := store.CountMonth(ctx, m)
		if err != nil {
			return bad, err
		}
		copied := done[m.String()].Events
		note := ""
		switch {
		case copied != src:
			note, bad = "  MISMATCH: copied differs from sqlite", bad+1
		case dst < src:
			note, bad = "  MISMATCH: postgresql holds fewer", bad+1
		case dst > src:
			note = "  (the partition holds other events too)"
		}
		fmt.Fprintf(w, "%-8s %12d %12d %12d%s\n", m, src, copied, dst, note)
	}
	if j.sample == 0 {
		return bad, nil
	}
	checked := 0
	for _, m := range months {
		n, err := sampleMonth(ctx, reader, store, m, done[m.String()].LastID, j.sample, w)
		checked += n
		if err != nil {
			var mm *sampleMismatch
			if !errors.As(err, &mm) {
				return bad, err
			}
			bad += mm.n
		}
	}
	fmt.Fprintf(w, "sample: %d events compared field by field\n", checked)
	return bad, nil
}

// sampleMismatch counts the sample's events not found equal.
type sampleMismatch struct{ n int }

func (e *sampleMismatch) Error() string { return fmt.Sprintf("%d sample events differ", e.n) }

// sampleMonth compares up to n events of month m, at random IDs up to
// last, with the events PostgreSQL holds at the same ReceivedAt: one of
// them must be equal in every field but the ID. It returns how many it
// compared.
func sampleMonth(ctx context.Context, reader *sqlite.Reader, store *postgres.Store, m db.Month, last int64, n int, w interface{ Write([]byte) (int, error) }) (int, error) {
	if last == 0 {
		return 0, nil
	}
	seen := map[int64]bool{}
	bad, checked := 0, 0
	for range n {
		got, err := reader.EventsAfter(ctx, m, rand.Int64N(last), 1)
		if err != nil {
			return checked, err
		}
		if len(got) == 0 || seen[got[0].ID] {
			continue
		}
		src := &got[0]
		seen[src.ID] = true
		checked++
		want := postgres.Stored(src)
		candidates, err := store.EventsReceivedAt(ctx, want.ReceivedAt)
		if err != nil {
			return checked, err
		}
		var diff []string
		for i := range candidates {
			if diff = eventDiff(&want, &candidates[i]); len(diff) == 0 {
				break
			}
		}
		switch {
		case len(candidates) == 0:
			fmt.Fprintf(w, "MISMATCH: %s ID %d (received %s) is not in PostgreSQL\n", m.Table(), src.ID, want.ReceivedAt.Format("2006-01-02 15:04:05.999999"))
			bad++
		case len(diff) > 0:
			fmt.Fprintf(w, "MISMATCH: %s ID %d differs in %s\n", m.Table(), src.ID, strings.Join(diff, ", "))
			bad++
		}
	}
	if bad > 0 {
		return checked, &sampleMismatch{bad}
	}
	return checked, nil
}

// eventDiff names the columns in which got, as PostgreSQL holds it,
// differs from want (postgres.Stored of the source event); Table and ID
// are not compared.
func eventDiff(want, got *search.Event) []string {
	g := postgres.Stored(got)
	var diff []string
	add := func(name string, equal bool) {
		if !equal {
			diff = append(diff, name)
		}
	}
	add("Facility", want.Facility == g.Facility)
	add("Priority", want.Severity == g.Severity)
	add("FromHost", want.FromHost == g.FromHost)
	add("FromHostIP", want.FromHostIP == g.FromHostIP)
	add("InfoUnitID", want.InfoUnitID == g.InfoUnitID)
	add("ReceivedAt", want.ReceivedAt.Equal(g.ReceivedAt))
	add("DeviceReportedTime", want.DeviceReportedTime.Equal(g.DeviceReportedTime))
	add("SysLogTag", want.SysLogTag == g.SysLogTag)
	add("ProcessID", want.ProcessID == g.ProcessID)
	add("MsgID", want.MsgID == g.MsgID)
	add("StructuredData", want.StructuredData == g.StructuredData)
	add("Message", want.Message == g.Message)
	add("RawMessage", string(want.RawMessage) == string(g.RawMessage))
	return diff
}
