package receive

import (
	"log/slog"
	"sync"
	"time"
)

// limitedLogEvery is the interval of a limitedLog.
const limitedLogEvery = 10 * time.Second

// limitedLog logs one kind of warning that peers can cause (a refused
// connection, a protocol error, a reset) at most twice per interval: the
// first at once, and at the interval's end, when more came, one line with
// how many were left out (more_like_this=N). A flood of bad peers then
// writes a few lines, not one per peer. Its zero value is ready; every is
// limitedLogEvery when zero.
type limitedLog struct {
	every time.Duration

	mu         sync.Mutex
	last       time.Time // when the first line of the interval was logged
	suppressed int
	summary    *time.Timer // set while lines are left out
	logger     *slog.Logger
	msg        string
	args       []any // the first left-out line's, for the summary
}

// log logs msg with args, unless a line of this kind was logged less than
// an interval ago: then it is counted for the interval's summary.
func (l *limitedLog) log(logger *slog.Logger, msg string, args ...any) {
	every := orDefault(l.every, limitedLogEvery)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.last) >= every && l.summary == nil {
		l.last = now
		logger.Warn(msg, args...)
		return
	}
	l.suppressed++
	if l.summary == nil {
		l.logger, l.msg, l.args = logger, msg, args
		l.summary = time.AfterFunc(l.last.Add(every).Sub(now), l.flush)
	}
}

// flush logs the count of the lines left out, if any, at once: at the end
// of an interval, or when the listener stops.
func (l *limitedLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.summary == nil {
		return
	}
	l.summary.Stop()
	l.summary = nil
	n := l.suppressed
	l.suppressed = 0
	l.logger.Warn(l.msg, append(l.args, "more_like_this", n, "within", orDefault(l.every, limitedLogEvery))...)
}
