package alert

import (
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

// savedRule is what the state file keeps of one rule: enough to carry a
// firing across a restart without notifying it again.
type savedRule struct {
	Key      string    `json:"key"` // Rule.key: a changed rule starts over
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
	Rules map[string]savedRule `json:"rules"`
}

// loadState reads the state file at path; a missing file is an empty
// state.
func loadState(path string) (map[string]savedRule, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]savedRule{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read alert state: %w", err)
	}
	var f stateFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read alert state %s: %w", path, err)
	}
	if f.Rules == nil {
		f.Rules = map[string]savedRule{}
	}
	return f.Rules, nil
}

// saveState replaces the state file at path atomically (a new file,
// synced, renamed over the old one), readable by its owner only.
func saveState(path string, rules map[string]savedRule) error {
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
