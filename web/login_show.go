package web

import (
	"net/http"
	"net/url"
	"strings"
)

// loginShow answers GET /login: the login form, with a CSRF token bound to
// a cookie of the login page (see session.Manager.LoginCSRF).
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, err := s.cfg.Sessions.Get(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, pageData{Title: "Log in", Next: next})
}

// safeNext is where to go after a login: a path on this server, never
// another site. Browsers drop tab, CR and LF from a URL and read a
// backslash as a slash, so "/\t/evil.example" and "/\evil.example" are
// "//evil.example" to them: any of those characters, a leading "//", a
// scheme or a host sends the user to / instead.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.ContainsFunc(next, unsafeInURL) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

// unsafeInURL reports the characters that browsers drop from a URL or read
// as another: controls (tab, CR, LF among them) and the backslash.
func unsafeInURL(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }
