package web

import "net/http"

// adminOnly lets only admins through. Others get 403 as a page of the site
// (their name, Log out, the way back to the search), not a bare line of
// text.
func (s *Server) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !currentUser(r).Admin {
			s.render(w, r, http.StatusForbidden, "forbidden.html",
				pageData{Title: "Not allowed", Error: "Only admins manage users and change alert rules. Ask one to do it."})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// apiAdminOnly is adminOnly for the API: 403 with a JSON error.
func (s *Server) apiAdminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !currentUser(r).Admin {
			writeError(w, http.StatusForbidden, "only admins change alert rules and run backtests")
			return
		}
		next.ServeHTTP(w, r)
	})
}
