package alert

import (
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// State is what a notice says of its rule.
type State string

// The states a notice gives.
const (
	Firing   State = "firing"
	Resolved State = "resolved"
)

// Transition is a rule starting to fire, or resolving, at At.
type Transition struct {
	State State
	At    time.Time
	// Count is the number of matches within the window at At: when the
	// rule fires, the count that reached the threshold.
	Count int64
}

// ruleState is a rule at work: its matcher, its window and whether it
// fires.
type ruleState struct {
	rule     Rule
	m        *query.Matcher
	w        *window
	firing   bool
	since    time.Time // when it started firing
	notified time.Time // the last notice of this firing
	// counted: the stored batches up to this one (Evaluator.handed) were
	// committed before the window was read from history, which counted
	// their matches; they are not counted again.
	counted uint64
}

func newRuleState(r Rule) *ruleState {
	return &ruleState{rule: r, m: query.Compile(r.Expr), w: newWindow(r.Window, r.Threshold)}
}

// add counts a match received at t (Unix ns), after resolving what fell
// below the threshold before t; it appends the transitions to out.
func (rs *ruleState) add(t int64, out []Transition) []Transition {
	out = rs.advance(t, out)
	rs.w.add(t)
	if !rs.firing && rs.w.over(t) {
		rs.firing, rs.since = true, time.Unix(0, t)
		out = append(out, Transition{State: Firing, At: rs.since, Count: rs.w.count(t)})
	}
	return out
}

// advance resolves the rule when its count fell below the threshold by
// now; the transition is dated when it fell.
func (rs *ruleState) advance(now int64, out []Transition) []Transition {
	if rs.firing && !rs.w.over(now) {
		at := rs.w.belowAt()
		rs.firing = false
		out = append(out, Transition{State: Resolved, At: time.Unix(0, at), Count: rs.w.count(at)})
	}
	return out
}
