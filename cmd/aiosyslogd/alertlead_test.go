package main

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
)

// savedStates counts what reaches the store under a leaderState.
type savedStates struct{ saves int }

func (s *savedStates) LoadState(context.Context) (map[string]alert.SavedRule, error) { return nil, nil }

func (s *savedStates) SaveState(context.Context, map[string]alert.SavedRule) error {
	s.saves++
	return nil
}

// A collector saves the rules' state while it leads, and not after it
// lost the lead: the new leader's state is not overwritten.
func TestLeaderStateSavesWhileLeading(t *testing.T) {
	tests := []struct {
		name    string
		leading bool
		saves   int
		err     error
	}{
		{"leading", true, 1, nil},
		{"lead lost", false, 0, errNotLeading},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := &savedStates{}
			var leading atomic.Bool
			leading.Store(tt.leading)
			err := leaderState{StateStore: inner, leading: &leading}.SaveState(context.Background(), map[string]alert.SavedRule{"r": {Firing: true}})
			if !errors.Is(err, tt.err) || inner.saves != tt.saves {
				t.Errorf("SaveState = %v with %d saves; want %v with %d", err, inner.saves, tt.err, tt.saves)
			}
		})
	}
}
