package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// StateStore keeps each rule's firing across restarts, by rule name: a
// file beside an SQLite database (StateFile), or a table of the
// PostgreSQL store. The Evaluator loads it when it starts and saves it
// whenever a rule's state changed.
type StateStore interface {
	LoadState(ctx context.Context) (map[string]SavedRule, error)
	SaveState(ctx context.Context, rules map[string]SavedRule) error
}

// SavedRule is what a StateStore keeps of one rule: enough to carry a
// firing across a restart without notifying it again.
type SavedRule struct {
	// Key is the rule's name, query, threshold and window in one string: a
	// rule saved with another key has changed and starts over.
	Key      string    `json:"key"`
	Firing   bool      `json:"firing"`
	Since    time.Time `json:"since,omitzero"`
	Notified time.Time `json:"notified,omitzero"`
	// Deliveries are the last results of the rule's notices, by
	// notifier: for the page, not for the evaluation.
	Deliveries []Delivery `json:"deliveries,omitempty"`
}

func sortDeliveries(ds []Delivery) {
	slices.SortFunc(ds, func(a, b Delivery) int { return strings.Compare(a.Notifier, b.Notifier) })
}

// stateFile is the JSON document of the state file.
type stateFile struct {
	Rules map[string]SavedRule `json:"rules"`
}

// StateFile is the JSON file at its path that keeps each rule's firing
// (DATABASE-alerts.json beside an SQLite database). It implements
// StateStore.
type StateFile string

// LoadState reads the file; a missing file is an empty state.
func (f StateFile) LoadState(context.Context) (map[string]SavedRule, error) {
	return loadState(string(f))
}

// SaveState replaces the file atomically.
func (f StateFile) SaveState(_ context.Context, rules map[string]SavedRule) error {
	return saveState(string(f), rules)
}

// loadState reads the state file at path; a missing file is an empty
// state.
func loadState(path string) (map[string]SavedRule, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]SavedRule{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read alert state: %w", err)
	}
	var f stateFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read alert state %s: %w", path, err)
	}
	if f.Rules == nil {
		f.Rules = map[string]SavedRule{}
	}
	return f.Rules, nil
}

// saveState replaces the state file at path atomically (a new file,
// synced, renamed over the old one), readable by its owner only.
func saveState(path string, rules map[string]SavedRule) error {
	b, err := json.MarshalIndent(stateFile{Rules: rules}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode alert state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".alerts-*.json")
	if err != nil {
		return fmt.Errorf("write alert state: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	if _, err := tmp.Write(append(b, '\n')); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write alert state %s: %w", path, err)
	}
	return nil
}
