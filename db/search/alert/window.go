package alert

import (
	"sort"
	"time"
)

// buckets is how many parts a window's count is kept in: the count a
// notice reports is exact to 1/buckets of the window.
const buckets = 60

// window counts one rule's matches over its last Window. The times of the
// newest threshold matches are kept exactly, in a ring: they alone decide
// whether the rule is over its threshold, and when it falls below. The
// count reported is kept in buckets. Memory is bounded by the threshold
// and the number of buckets, not by traffic.
type window struct {
	size   int64   // the window, in nanoseconds
	times  []int64 // ring of the newest len(times) match times, Unix ns
	head   int     // the oldest time, when n == len(times)
	n      int
	width  int64 // of a bucket, ns
	counts [buckets]int64
	slots  [buckets]int64 // the bucket index (time/width) each count is of
}

func newWindow(size time.Duration, threshold int) *window {
	w := &window{size: int64(size), times: make([]int64, threshold), width: max(int64(size)/buckets, 1)}
	for i := range w.slots {
		w.slots[i] = -1
	}
	return w
}

// add counts a match at t (Unix ns). Times are taken as increasing: an
// earlier one counts as the newest so far.
func (w *window) add(t int64) {
	if w.n > 0 {
		t = max(t, w.times[(w.head+w.n-1)%len(w.times)])
	}
	if w.n < len(w.times) {
		w.times[(w.head+w.n)%len(w.times)] = t
		w.n++
	} else {
		w.times[w.head] = t
		w.head = (w.head + 1) % len(w.times)
	}
	b := t / w.width
	i := b % buckets
	if w.slots[i] != b {
		w.slots[i], w.counts[i] = b, 0
	}
	w.counts[i]++
}

// over reports whether at least threshold matches were received within
// the window that ends at now: (now-size, now].
func (w *window) over(now int64) bool {
	return w.n == len(w.times) && w.times[w.head] > now-w.size
}

// belowAt is when the count falls below the threshold, if no match
// comes: once the oldest of the newest threshold matches leaves the
// window.
func (w *window) belowAt() int64 { return w.times[w.head] + w.size }

// count is the number of matches within the window that ends at now.
// Below the threshold it is exact: every match within the window is among
// the times kept. At or above it, it is counted in buckets, leaving out the
// bucket the window's start falls in: exact to a bucket's width, and never
// below the threshold.
func (w *window) count(now int64) int64 {
	if !w.over(now) { // the kept times are in order: find the first within
		out := sort.Search(w.n, func(i int) bool { return w.times[(w.head+i)%len(w.times)] > now-w.size })
		return int64(w.n - out)
	}
	var n int64
	first, last := (now-w.size)/w.width, now/w.width
	for i, b := range w.slots {
		if b > first && b <= last {
			n += w.counts[i]
		}
	}
	return max(n, int64(len(w.times)))
}
