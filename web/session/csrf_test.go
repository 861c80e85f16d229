package session

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	m, _ := newManager(t, 1, newUsers(alice))
	s, _, _ := m.Start(alice)
	other, _, _ := m.Start(alice)
	token := m.CSRFToken(s)
	if token == m.CSRFToken(other) {
		t.Fatal("two sessions have the same CSRF token")
	}
	if err := m.CheckCSRF(s, token); err != nil {
		t.Errorf("own token: %v", err)
	}
	foreign, _ := newManager(t, 2, newUsers(alice))
	flipped := []byte(token)
	flipped[0] ^= 1
	tests := map[string]struct {
		s     Session
		token string
	}{
		"missing":               {s, ""},
		"another session's":     {other, token},
		"made with another key": {s, foreign.CSRFToken(s)},
		"changed":               {s, string(flipped)},
		"cut short":             {s, token[:len(token)-1]},
		"not base64":            {s, "%%%"},
		"the session id itself": {s, s.ID},
		"session without an id": {Session{}, m.CSRFToken(Session{})},
	}
	for name, tt := range tests {
		if err := m.CheckCSRF(tt.s, tt.token); !errors.Is(err, ErrCSRF) {
			t.Errorf("%s: %v; want ErrCSRF", name, err)
		}
	}
}

func TestCheckRequest(t *testing.T) {
	m, _ := newManager(t, 1, newUsers(alice))
	s, _, _ := m.Start(alice)
	token := m.CSRFToken(s)
	post := func(form url.Values, header string) error {
		r := httptest.NewRequest("POST", "/users/bob/disable", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if header != "" {
			r.Header.Set(CSRFHeader, header)
		}
		return m.CheckRequest(r, s)
	}
	if err := post(url.Values{CSRFField: {token}}, ""); err != nil {
		t.Errorf("form field: %v", err)
	}
	if err := post(nil, token); err != nil {
		t.Errorf("header: %v", err)
	}
	// A cross-site form: the browser sends the cookie, but the attacker
	// cannot know the token.
	if err := post(url.Values{"name": {"bob"}}, ""); !errors.Is(err, ErrCSRF) {
		t.Errorf("no token: %v", err)
	}
	if err := post(url.Values{CSRFField: {"guess"}}, ""); !errors.Is(err, ErrCSRF) {
		t.Errorf("wrong token: %v", err)
	}
}
