package db

import "time"

// timeText formats times as TimeLayout, remembering the text of the last
// second it formatted: the rows of a batch mostly share their second, so
// only the microseconds are new. The zero value is ready to use; it is not
// safe for concurrent use.
type timeText struct {
	sec  int64 // the Unix second of prefix; valid when ok
	ok   bool
	text [len(TimeLayout)]byte // "2006-01-02 15:04:05.000000"
}

// prefixLen is the length of the second's part of TimeLayout, up to and
// with the dot.
const prefixLen = len("2006-01-02 15:04:05.")

// format returns t in UTC as TimeLayout, as t.UTC().Format(TimeLayout)
// does.
func (f *timeText) format(t time.Time) string {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return t.Format(TimeLayout) // not fixed width: leave it to time
	}
	if sec := t.Unix(); !f.ok || sec != f.sec {
		t.Truncate(time.Second).AppendFormat(f.text[:0], TimeLayout[:prefixLen])
		f.sec, f.ok = sec, true
	}
	us := t.Nanosecond() / 1000
	for i := len(f.text) - 1; i >= prefixLen; i-- {
		f.text[i] = byte('0' + us%10)
		us /= 10
	}
	return string(f.text[:])
}
