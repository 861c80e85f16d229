package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar shows how far a copy is: on a terminal, a bar redrawn in
// place at most five times a second; elsewhere (a pipe, a log), a plain
// line every ten seconds and one at the end.
type progressBar struct {
	w       io.Writer
	tty     bool
	total   int64 // events to copy, earlier runs' included
	done    int64 // events stored, earlier runs' included
	resumed int64 // of done, stored by earlier runs
	month   string

	start, shown time.Time
	shownDone    int64 // done when last shown
}

func newProgressBar(w io.Writer, tty bool) *progressBar {
	now := time.Now()
	return &progressBar{w: w, tty: tty, start: now, shown: now}
}

// add counts n more events stored and shows the progress when it is time.
func (p *progressBar) add(n int64) {
	p.done += n
	every := 10 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if time.Since(p.shown) >= every {
		p.show()
	}
}

// finish shows the final progress, unless shown already, and ends the
// bar's line.
func (p *progressBar) finish() {
	if p.shownDone != p.done || p.done == 0 {
		p.show()
	}
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

func (p *progressBar) show() {
	p.shown, p.shownDone = time.Now(), p.done
	pct := 100.0
	if p.total > 0 {
		pct = float64(p.done) * 100 / float64(p.total)
	}
	rate := float64(p.done-p.resumed) / max(time.Since(p.start).Seconds(), 0.001)
	if !p.tty {
		fmt.Fprintf(p.w, "copied %d of %d events (%.1f%%), %.0f events/s, month %s\n", p.done, p.total, pct, rate, p.month)
		return
	}
	const width = 30
	filled := int(pct / 100 * width)
	fmt.Fprintf(p.w, "\r[%s%s] %5.1f%% %d/%d events, %.0f/s, %s ", strings.Repeat("#", filled), strings.Repeat(".", width-filled), pct, p.done, p.total, rate, p.month)
}
