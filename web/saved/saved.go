// Package saved owns each web user's saved searches: a view of the search
// page (its query string: query, range, filters) under a name the user
// chose. They are kept in the user's object of users.json, under the key
// "saved_searches", so that they go with the user: deleted with them, not
// inherited by a user re-created under the same name, written atomically
// with mode 0600 as the rest of the file, and seen by every web process
// that reads the file. The Python aiosyslogd drops the key when it
// rewrites the file.
package saved

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// Key is the key of a user's object in users.json that holds the list.
const Key = "saved_searches"

// Limits of what a user can make the server keep.
const (
	MaxPerUser   = 200  // saved searches of one user
	MaxNameChars = 100  // characters of a name
	MaxViewBytes = 4096 // bytes of a view's query string
)

// Errors of the list's changes; test them with errors.Is. Each is the
// user's mistake.
var (
	ErrExists      = errors.New("a saved search has that name already")
	ErrNotFound    = errors.New("no saved search has that name")
	ErrFull        = fmt.Errorf("at most %d saved searches per user: delete one first", MaxPerUser)
	ErrInvalidName = fmt.Errorf("a name is 1 to %d characters, not only spaces, without control characters", MaxNameChars)
	ErrInvalidView = errors.New("invalid view")
)

// viewKeys are the parameters of the search page that make a view. Paging
// (cursor, limit, order) and the live tail are not part of it.
var viewKeys = []string{"q", "since", "until", "tz", "host", "tag", "facility", "severity",
	"not_host", "not_tag", "not_facility", "not_severity"}

// Search is one saved search.
type Search struct {
	Name string `json:"name"`
	// View is the query string of the page, as "q=…&since=24h": a relative
	// range stays relative, so the link shows the last 24 hours of when it
	// is opened.
	View  string    `json:"view"`
	Saved time.Time `json:"saved"` // when it was saved or last renamed
}

// Link is the path of the search page showing s.
func (s Search) Link() string { return "/?" + s.View }

// CleanView keeps the view's parameters of a query string (a leading "?"
// allowed), without empty ones, in a stable order.
func CleanView(raw string) (string, error) {
	if len(raw) > MaxViewBytes {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidView, MaxViewBytes)
	}
	v, err := url.ParseQuery(strings.TrimPrefix(raw, "?"))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidView, err)
	}
	kept := url.Values{}
	for _, key := range viewKeys {
		for _, val := range v[key] {
			if val != "" {
				kept.Add(key, val)
			}
		}
	}
	clean := kept.Encode()
	if len(clean) > MaxViewBytes { // escaping made it longer
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidView, MaxViewBytes)
	}
	return clean, nil
}

// CheckName tells whether name may name a saved search.
func CheckName(name string) error {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > MaxNameChars || !utf8.ValidString(name) || strings.TrimSpace(name) == "" ||
		strings.ContainsFunc(name, unicode.IsControl) {
		return ErrInvalidName
	}
	return nil
}

// Store is the saved searches of the users of a users file.
type Store struct{ Users *user.Store }

// List returns the user's saved searches, sorted by name.
func (s Store) List(userName string) ([]Search, error) {
	raw, err := s.Users.Data(userName, Key)
	if err != nil {
		return nil, err
	}
	return decode(raw)
}

// Add saves view (see CleanView) under name, now.
func (s Store) Add(userName, name, view string, now time.Time) error {
	if err := CheckName(name); err != nil {
		return err
	}
	view, err := CleanView(view)
	if err != nil {
		return err
	}
	return s.edit(userName, func(list []Search) ([]Search, error) {
		if find(list, name) >= 0 {
			return nil, fmt.Errorf("%w: %q", ErrExists, name)
		}
		if len(list) >= MaxPerUser {
			return nil, ErrFull
		}
		return append(list, Search{Name: name, View: view, Saved: now.UTC()}), nil
	})
}

// Rename gives the saved search called from the name to.
func (s Store) Rename(userName, from, to string, now time.Time) error {
	if err := CheckName(to); err != nil {
		return err
	}
	return s.edit(userName, func(list []Search) ([]Search, error) {
		i := find(list, from)
		if i < 0 {
			return nil, fmt.Errorf("%w: %q", ErrNotFound, from)
		}
		if j := find(list, to); j >= 0 && j != i {
			return nil, fmt.Errorf("%w: %q", ErrExists, to)
		}
		list[i].Name, list[i].Saved = to, now.UTC()
		return list, nil
	})
}

// Delete removes the saved search called name.
func (s Store) Delete(userName, name string) error {
	return s.edit(userName, func(list []Search) ([]Search, error) {
		i := find(list, name)
		if i < 0 {
			return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
		}
		return slices.Delete(list, i, i+1), nil
	})
}

// edit changes the user's list in one write of the users file.
func (s Store) edit(userName string, fn func([]Search) ([]Search, error)) error {
	return s.Users.EditData(userName, Key, func(old json.RawMessage) (json.RawMessage, error) {
		list, err := decode(old)
		if err != nil {
			return nil, err
		}
		if list, err = fn(list); err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, nil
		}
		slices.SortFunc(list, func(a, b Search) int { return strings.Compare(a.Name, b.Name) })
		b, err := json.Marshal(list)
		if err != nil {
			return nil, fmt.Errorf("encode saved searches: %w", err)
		}
		return b, nil
	})
}

func decode(raw json.RawMessage) ([]Search, error) {
	if raw == nil {
		return nil, nil
	}
	var list []Search
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("%s in the users file: %w", Key, err)
	}
	slices.SortFunc(list, func(a, b Search) int { return strings.Compare(a.Name, b.Name) })
	return list, nil
}

func find(list []Search, name string) int {
	return slices.IndexFunc(list, func(s Search) bool { return s.Name == name })
}
