package alert

import (
	"context"
	"time"
)

// Delivery is what became of the last notice of a rule through one of its
// notifiers, as the state file keeps it for the web page.
type Delivery struct {
	Notifier string    `json:"notifier"`
	State    State     `json:"state"` // of the notice
	At       time.Time `json:"at"`    // when the result was known
	Result   string    `json:"result"`
	Error    string    `json:"error,omitempty"`
}

// Status is what the state file says of one rule: whether it fires, since
// when, its last notice, and the last delivery through each notifier.
type Status struct {
	Firing     bool       `json:"firing"`
	Since      time.Time  `json:"since,omitzero"`
	Notified   time.Time  `json:"notified,omitzero"`
	Deliveries []Delivery `json:"deliveries,omitempty"`
}

// Delivered records the result of a notice of the rule named rule through
// a notifier; the state file has it within a Tick. It is safe to call from
// any goroutine (the dispatcher's).
func (e *Evaluator) Delivered(rule string, d Delivery) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.deliveries == nil {
		e.deliveries = map[string]map[string]Delivery{}
	}
	if e.deliveries[rule] == nil {
		e.deliveries[rule] = map[string]Delivery{}
	}
	e.deliveries[rule][d.Notifier] = d
	e.delivered.Store(true)
}

// deliveriesOf is the last delivery of rule through each notifier, by
// notifier name.
func (e *Evaluator) deliveriesOf(rule string) []Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Delivery
	for _, d := range e.deliveries[rule] {
		out = append(out, d)
	}
	sortDeliveries(out)
	return out
}

// ReadStatus reads the state file at path that serve writes: each rule's
// status, by name. A missing file is no rules.
func ReadStatus(path string) (map[string]Status, error) {
	return StatusOf(context.Background(), StateFile(path))
}

// StatusOf reads each rule's status, by name, from the StateStore that
// serve saves into (a state file, or the PostgreSQL store's table).
func StatusOf(ctx context.Context, s StateStore) (map[string]Status, error) {
	saved, err := s.LoadState(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]Status, len(saved))
	for name, s := range saved {
		m[name] = Status{Firing: s.Firing, Since: s.Since, Notified: s.Notified, Deliveries: s.Deliveries}
	}
	return m, nil
}
