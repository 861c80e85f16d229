package web

import "net/http"

// logout answers POST /logout: the session ends, and every other session
// of the user with it, for good (their cookies no longer work, even
// replayed, after a restart too), and the browser goes to the login page.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	sess, ok := currentSession(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	cookie, err := s.cfg.Sessions.End(sess)
	http.SetCookie(w, cookie)
	if err != nil {
		s.log.Error("logout", "user", sess.User.Name, "error", err)
		http.Error(w, "the session could not be ended: the users file cannot be written (see the server's log)", http.StatusInternalServerError)
		return
	}
	s.log.Info("logout", "user", sess.User.Name)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
