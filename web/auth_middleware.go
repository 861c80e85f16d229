package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/web/session"
	"github.com/aiosyslogd/aiosyslogd/web/user"
)

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
	recheckKey
)

// requireUser lets a request through with its user: from the session
// cookie, or for the API from "Authorization: Bearer TOKEN" too. Without
// either, the API answers 401 with a JSON error and pages redirect to the
// login page, which returns to the page after the login.
func (s *Server) requireUser(next http.Handler, api bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if token, ok := bearerToken(r); ok && api {
			u, err := s.cfg.Users.AuthenticateToken(token)
			if err != nil {
				writeError(w, http.StatusUnauthorized, "invalid API token")
				return
			}
			recheck := func() error { _, err := s.cfg.Users.AuthenticateToken(token); return err }
			ctx = context.WithValue(ctx, recheckKey, recheck)
			next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, userKey, u)))
			return
		}
		sess, err := s.cfg.Sessions.Get(r)
		if err != nil {
			if api {
				writeError(w, http.StatusUnauthorized, "not logged in: POST /login, or send Authorization: Bearer TOKEN")
				return
			}
			http.Redirect(w, r, loginFor(r), http.StatusSeeOther)
			return
		}
		recheck := func() error { _, err := s.cfg.Sessions.Get(r); return err }
		ctx = context.WithValue(ctx, userKey, sess.User)
		ctx = context.WithValue(ctx, sessionKey, sess)
		ctx = context.WithValue(ctx, recheckKey, recheck)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// loginFor is where a page request without a session goes: the login
// form, which returns to the page afterwards. A form posted with an ended
// session cannot be sent again by a redirect (and /logout is POST only):
// after the login, the search page.
func loginFor(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(r.URL.RequestURI())
}

// bearerToken is the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.TrimSpace(token), ok && strings.EqualFold(scheme, "Bearer")
}

// currentUser is the user a request was let through with.
func currentUser(r *http.Request) user.User {
	u, _ := r.Context().Value(userKey).(user.User)
	return u
}

// currentSession is the session of a request let through by its cookie.
func currentSession(r *http.Request) (session.Session, bool) {
	sess, ok := r.Context().Value(sessionKey).(session.Session)
	return sess, ok
}

// stillAllowed checks again the session or token that let r through: an
// error once it has ended (logout, new password, revoked token, user
// disabled or deleted). Long requests (live tails) ask it now and then.
func stillAllowed(r *http.Request) error {
	if recheck, ok := r.Context().Value(recheckKey).(func() error); ok {
		return recheck()
	}
	return nil
}
