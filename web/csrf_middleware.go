package web

import (
	"net/http"
)

// checkCSRF refuses, with 403, a form that changes something unless it
// carries its session's CSRF token (field csrf_token or header
// X-CSRF-Token): a page of another site cannot read the token, so it
// cannot make a logged-in browser post the form.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, ok := currentSession(r)
		if !ok || s.cfg.Sessions.CheckRequest(r, sess) != nil {
			http.Error(w, "missing or invalid CSRF token: reload the page and try again", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
