package web

import "net/http"

// logout answers POST /logout: the session ends (its cookie no longer
// works, even replayed) and the browser goes to the login page.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if sess, ok := currentSession(r); ok {
		http.SetCookie(w, s.cfg.Sessions.End(sess))
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
