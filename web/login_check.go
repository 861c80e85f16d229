package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// loginCheck answers POST /login (form fields username and password): a
// session cookie and a redirect to next (or /) when the password is
// right; the form again with 401 when it is not; 429 with Retry-After
// once a name has failed five times within a minute.
func (s *Server) loginCheck(w http.ResponseWriter, r *http.Request) {
	name, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	data := pageData{Title: "Log in", Next: next}
	if ok, wait := s.limiter.Allow(name); !ok {
		secs := int(wait.Round(time.Second).Seconds())
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		data.Error = "Too many failed logins for this name: try again in " + strconv.Itoa(secs) + " seconds."
		s.render(w, r, http.StatusTooManyRequests, "login.html", data)
		return
	}
	u, err := s.cfg.Users.Authenticate(r.Context(), name, password)
	if errors.Is(err, user.ErrInvalidCredentials) {
		s.limiter.Fail(name)
		s.log.Info("login failed", "user", name, "remote", r.RemoteAddr)
		data.Error = "Wrong user name or password."
		s.render(w, r, http.StatusUnauthorized, "login.html", data)
		return
	}
	if err != nil {
		s.log.Error("login", "user", name, "error", err)
		data.Error = "The users file cannot be read; see the server's log."
		s.render(w, r, http.StatusInternalServerError, "login.html", data)
		return
	}
	s.limiter.Reset(name)
	_, cookie, err := s.cfg.Sessions.Start(u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("login", "user", u.Name, "remote", r.RemoteAddr)
	http.SetCookie(w, cookie)
	http.Redirect(w, r, next, http.StatusSeeOther)
}
