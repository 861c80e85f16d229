package web

import (
	"net/http"
	"strings"
)

// loginShow answers GET /login: the login form.
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	if _, err := s.cfg.Sessions.Get(r); err == nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login.html", pageData{Title: "Log in", Next: safeNext(r.URL.Query().Get("next"))})
}

// safeNext is where to go after a login: a path on this server, never
// another site ("//evil.example", "/\evil.example").
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
