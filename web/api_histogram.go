package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// defaultBuckets is the number of buckets the histogram has at most
// without buckets=N.
const defaultBuckets = 60

// histogramBucket is one bucket of /api/histogram: when it starts, how
// many events match in it, and how many of each severity (indexed by its
// code, 0 emerg … 7 debug).
type histogramBucket struct {
	Start      string            `json:"start"`
	Count      int64             `json:"count"`
	Severities search.Severities `json:"severities"`
}

// histogramAnswer is the answer of /api/histogram.
type histogramAnswer struct {
	Buckets    []histogramBucket `json:"buckets"`
	Step       int64             `json:"step"` // seconds per bucket
	Total      int64             `json:"total"`
	Severities search.Severities `json:"severities"` // the buckets' sums
}

// apiHistogram answers GET /api/histogram: how many events match in each
// bucket of the range, in all and by severity, the bucket size chosen from
// the range (1 s to days), at most buckets=N buckets.
func (s *Server) apiHistogram(w http.ResponseWriter, r *http.Request) {
	n := defaultBuckets
	if v := r.URL.Query().Get("buckets"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > search.MaxBuckets {
			s.fail(w, r, badParam("buckets", "%q: want 1 to %d", v, search.MaxBuckets))
			return
		}
	}
	q, reader, r, done, ok := s.begin(w, r)
	if !ok {
		return
	}
	defer done()
	h, err := reader.Histogram(r.Context(), q, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := histogramAnswer{Buckets: make([]histogramBucket, len(h.Counts)), Step: int64(h.Step / time.Second), Total: h.Total}
	for i, c := range h.Counts {
		a.Buckets[i] = histogramBucket{Start: h.Start.Add(time.Duration(i) * h.Step).Format(time.RFC3339), Count: c, Severities: h.Severities[i]}
		for s, n := range h.Severities[i] {
			a.Severities[s] += n
		}
	}
	writeJSON(w, http.StatusOK, a)
}
