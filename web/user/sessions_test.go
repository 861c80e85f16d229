package user

import (
	"errors"
	"testing"
)

// Each of these ends every session of the user, for good: the generation
// the sessions carry is replaced in the file, so another process (the web
// server, restarted or not) refuses them; those that say so take the API
// token too.
func TestChangesEndSessions(t *testing.T) {
	tests := []struct {
		name      string
		change    func(s *Store) error
		wantErr   error
		tokenGoes bool
	}{
		{"logout", func(s *Store) error { return s.EndSessions("olduser") }, ErrSessionEnded, false},
		{"passwd", func(s *Store) error { return s.SetPassword("olduser", "a-new-password") }, ErrSessionEnded, true},
		{"disable and enable", func(s *Store) error {
			if err := s.SetEnabled("olduser", false); err != nil {
				return err
			}
			return s.SetEnabled("olduser", true)
		}, ErrSessionEnded, true},
		{"disable", func(s *Store) error { return s.SetEnabled("olduser", false) }, ErrDisabled, true},
		{"token --revoke", func(s *Store) error { return s.RevokeToken("olduser") }, ErrSessionEnded, true},
		{"del", func(s *Store) error { return s.Delete("olduser") }, ErrNotFound, true},
		{"del and add", func(s *Store) error {
			if err := s.Delete("olduser"); err != nil {
				return err
			}
			return s.Add("olduser", "someone-else", false)
		}, ErrSessionEnded, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cheapHashes(t)
			path := copyPythonUsers(t)
			web := mustOpen(t, path)
			gen, err := web.SessionGeneration("olduser")
			if err != nil || gen == "" {
				t.Fatalf("SessionGeneration = %q, %v", gen, err)
			}
			token, _ := web.NewToken("olduser")
			if _, err := web.SessionUser("olduser", gen); err != nil {
				t.Fatalf("before: %v", err)
			}
			if err := tt.change(mustOpen(t, path)); err != nil { // as the CLI would
				t.Fatal(err)
			}
			restarted := mustOpen(t, path)
			for _, s := range []*Store{web, restarted} {
				if _, err := s.SessionUser("olduser", gen); !errors.Is(err, tt.wantErr) {
					t.Errorf("the old session: %v; want %v", err, tt.wantErr)
				}
				if _, err := s.AuthenticateToken(token); (err != nil) != tt.tokenGoes {
					t.Errorf("the token: %v; want it gone: %v", err, tt.tokenGoes)
				}
			}
			if tt.wantErr == ErrSessionEnded {
				next, err := restarted.SessionGeneration("olduser")
				if _, err2 := restarted.SessionUser("olduser", next); err != nil || err2 != nil || next == gen {
					t.Errorf("a new session: %q, %v, %v", next, err, err2)
				}
			}
		})
	}
}

// A user without a generation (added by hand, or by the Python version,
// which drops the key) gets one at the first login; a forged empty one
// never passes.
func TestSessionGenerationIsMadeOnce(t *testing.T) {
	s := mustOpen(t, copyPythonUsers(t))
	if _, err := s.SessionUser("olduser", ""); !errors.Is(err, ErrSessionEnded) {
		t.Errorf("an empty generation: %v", err)
	}
	a, err1 := s.SessionGeneration("olduser")
	b, err2 := mustOpen(t, s.Path()).SessionGeneration("olduser")
	if err1 != nil || err2 != nil || a != b || len(a) != 32 {
		t.Errorf("generations %q, %q (%v, %v): want one, 128 bits in hex", a, b, err1, err2)
	}
}
