package web

import (
	"context"
	"errors"
	"sync"
)

// Each user's share of the global limits; a zero field of Config takes
// these.
const (
	DefaultUserSearches = 2 // searches, histograms and facets running at once
	DefaultUserStreams  = 8 // live tails open at once
	DefaultUserExports  = 1 // exports running at once
)

// errUserBusy is a user who holds every slot of theirs already.
var errUserBusy = errors.New("every slot of this user is taken")

// userSlots bounds how many of one kind of request each user holds at
// once, so that one user (or one leaked token) cannot take every slot of
// the server's. Memory is one entry per user with a request in hand.
type userSlots struct {
	limit int

	mu   sync.Mutex
	held map[string]*userSlot
}

type userSlot struct {
	sem  chan struct{}
	refs int // requests holding or waiting for sem
}

func newUserSlots(limit int) *userSlots {
	return &userSlots{limit: limit, held: map[string]*userSlot{}}
}

// acquire takes one of name's slots: waiting for one while ctx lasts when
// wait is set, else failing at once with errUserBusy. The caller calls
// release exactly once after a nil error.
func (u *userSlots) acquire(ctx context.Context, name string, wait bool) (release func(), err error) {
	slot := u.ref(name)
	if wait {
		select {
		case slot.sem <- struct{}{}:
		case <-ctx.Done():
			u.unref(name, slot)
			return nil, ctx.Err()
		}
	} else {
		select {
		case slot.sem <- struct{}{}:
		default:
			u.unref(name, slot)
			return nil, errUserBusy
		}
	}
	return func() { <-slot.sem; u.unref(name, slot) }, nil
}

func (u *userSlots) ref(name string) *userSlot {
	u.mu.Lock()
	defer u.mu.Unlock()
	slot := u.held[name]
	if slot == nil {
		slot = &userSlot{sem: make(chan struct{}, u.limit)}
		u.held[name] = slot
	}
	slot.refs++
	return slot
}

func (u *userSlots) unref(name string, slot *userSlot) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if slot.refs--; slot.refs == 0 {
		delete(u.held, name)
	}
}

// users is the number of users holding or waiting for a slot.
func (u *userSlots) users() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.held)
}
