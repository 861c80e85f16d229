package search

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Field is a column of an event that facets count.
type Field uint8

// The fields of facets, in the order of the SQL that counts them.
const (
	FieldHost Field = iota
	FieldTag
	FieldSeverity
	FieldFacility
)

var fieldNames = [...]string{"host", "tag", "severity", "facility"}

// String returns host, tag, severity or facility, as ParseField reads
// them.
func (f Field) String() string {
	if int(f) < len(fieldNames) {
		return fieldNames[f]
	}
	return fmt.Sprintf("Field(%d)", uint8(f))
}

// ParseField reads a field name: host, tag, severity or facility.
func ParseField(s string) (Field, error) {
	for i, name := range fieldNames {
		if strings.EqualFold(s, name) {
			return Field(i), nil
		}
	}
	return 0, fmt.Errorf("field %q: want host, tag, severity or facility", s)
}

// FacetValue is one value of a field and how many matching events have it.
// Severities and facilities are their codes in decimal ("3").
type FacetValue struct {
	Value string
	Count int64
}

// TopFacets returns the top values of counts (a count per value), most
// frequent first, ties by value: what a store's Facets answers.
func TopFacets(counts map[string]int64, top int) []FacetValue {
	values := make([]FacetValue, 0, len(counts))
	for v, n := range counts {
		values = append(values, FacetValue{Value: v, Count: n})
	}
	slices.SortFunc(values, func(a, b FacetValue) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	return values[:min(len(values), max(top, 0))]
}

// Severities is a count per severity, indexed by its code (0 emerg … 7
// debug).
type Severities [8]int64

// Histogram is how many events match a query in each bucket of time:
// bucket i covers [Start + i*Step, Start + (i+1)*Step). Bucket i's events
// are Severities[i] by severity, Counts[i] in all; Total is the sum of
// Counts.
type Histogram struct {
	Start      time.Time
	Step       time.Duration
	Counts     []int64
	Severities []Severities
	Total      int64
}

// Add counts n events of severity sev (its low three bits) in bucket i;
// a bucket outside the histogram is left out.
func (h *Histogram) Add(i int64, sev int64, n int64) {
	if i < 0 || i >= int64(len(h.Counts)) {
		return
	}
	h.Counts[i] += n
	h.Severities[i][sev&7] += n
	h.Total += n
}

// bucketSteps are the bucket sizes a histogram uses: the ones people read
// on a time axis.
var bucketSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour,
}

// MaxBuckets is the most buckets a histogram has.
const MaxBuckets = 1000

// BucketStep returns the bucket size of a histogram of at most n buckets
// (1 to MaxBuckets) over [since, until): the smallest of the usual steps
// (1s, 5s, 1m, 5m, 1h, 1d, 7d…) that needs no more than n buckets once
// since is rounded down to a multiple of the step.
func BucketStep(since, until time.Time, n int) time.Duration {
	n = min(max(n, 1), MaxBuckets)
	for _, step := range bucketSteps {
		start := since.UTC().Truncate(step)
		if int64(until.Sub(start)+step-1)/int64(step) <= int64(n) {
			return step
		}
	}
	// Longer than n of the largest step: whole multiples of a day.
	days := (until.Sub(since)/time.Duration(n) + 24*time.Hour) / (24 * time.Hour)
	return days * 24 * time.Hour
}

// NewHistogram returns the empty histogram of at most n buckets over
// [since, until), with the step of BucketStep.
func NewHistogram(since, until time.Time, n int) Histogram {
	step := BucketStep(since, until, n)
	start := since.UTC().Truncate(step)
	count := max(int((until.Sub(start)+step-1)/step), 1)
	return Histogram{Start: start, Step: step, Counts: make([]int64, count), Severities: make([]Severities, count)}
}
