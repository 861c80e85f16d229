package web

import "net/http"

// checkCSRFUnlessToken lets an API change through when a bearer token
// authenticated it (a browser never sends one by itself, so another site
// cannot make it), and otherwise only with the session's CSRF token
// (header X-CSRF-Token or field csrf_token), as checkCSRF.
func (s *Server) checkCSRFUnlessToken(next http.Handler) http.Handler {
	csrf := s.checkCSRF(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := currentSession(r); !ok {
			next.ServeHTTP(w, r)
			return
		}
		csrf.ServeHTTP(w, r)
	})
}
