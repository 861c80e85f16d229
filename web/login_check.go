package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// loginCheck answers POST /login (form fields username, password and the
// login form's csrf_token): a session cookie and a redirect to next (or
// /) when the password is right; the form again with 401 when it is not,
// 403 without the form's CSRF token, and 429 with Retry-After while the
// login guard refuses the name from this client (see session.LoginGuard).
func (s *Server) loginCheck(w http.ResponseWriter, r *http.Request) {
	name, password := r.PostFormValue("username"), r.PostFormValue("password")
	data := pageData{Title: "Log in", Next: safeNext(r.PostFormValue("next"))}
	if s.cfg.Sessions.CheckLoginCSRF(r) != nil {
		data.Error = "The login form was not the one this server sent (or it expired): try again."
		s.renderLogin(w, r, http.StatusForbidden, data)
		return
	}
	client := s.clientAddr(r)
	if ok, wait := s.guard.Allow(name, client); !ok {
		secs := strconv.Itoa(int(wait.Round(time.Second).Seconds()))
		w.Header().Set("Retry-After", secs)
		data.Error = "Too many failed logins: try again in " + secs + " seconds."
		s.renderLogin(w, r, http.StatusTooManyRequests, data)
		return
	}
	u, err := s.cfg.Users.Authenticate(r.Context(), name, password)
	if errors.Is(err, user.ErrInvalidCredentials) {
		s.guard.Fail(name, client)
		s.log.Info("login failed", "user", name, "client", client, "remote", r.RemoteAddr)
		data.Error = "Wrong user name or password."
		s.renderLogin(w, r, http.StatusUnauthorized, data)
		return
	}
	if err == nil {
		s.guard.Succeed(name, client)
		err = s.startSession(w, u)
	}
	if err != nil {
		s.log.Error("login", "user", name, "error", err)
		data.Error = "The users file cannot be read or written; see the server's log."
		s.renderLogin(w, r, http.StatusInternalServerError, data)
		return
	}
	s.log.Info("login", "user", u.Name, "client", client, "remote", r.RemoteAddr)
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

// startSession sets the cookie of a new session of u.
func (s *Server) startSession(w http.ResponseWriter, u user.User) error {
	_, cookie, err := s.cfg.Sessions.Start(u)
	if err != nil {
		return err
	}
	http.SetCookie(w, cookie)
	return nil
}

// renderLogin renders the login form with its CSRF token, setting the
// cookie the token is bound to when the browser has none.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, data pageData) {
	token, cookie, err := s.cfg.Sessions.LoginCSRF(r)
	if err != nil {
		s.log.Error("login form", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if cookie != nil {
		http.SetCookie(w, cookie)
	}
	data.CSRF = token
	s.render(w, r, status, "login.html", data)
}
