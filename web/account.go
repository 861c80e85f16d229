package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// accountShow answers GET /account: the form with which every user, admin
// or not, changes their own password.
func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account.html", pageData{Title: "Your password"})
}

// accountPassword answers POST /account/password (current, password,
// again): the user's new password, given the current one. Like a password
// set any other way it ends every session and the API token of the user,
// this one's too, so the browser goes to the login form. A wrong current
// password counts as a failed login of that name from this client (the
// login guard), so that a stolen session cannot guess it.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	name, client := currentUser(r).Name, s.clientAddr(r)
	fail := func(status int, msg string) {
		s.render(w, r, status, "account.html", pageData{Title: "Your password", Error: msg})
	}
	if r.PostFormValue("password") != r.PostFormValue("again") {
		fail(http.StatusBadRequest, "The new password and its repetition differ.")
		return
	}
	if ok, wait := s.guard.Allow(name, client); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second).Seconds())))
		fail(http.StatusTooManyRequests, "Too many wrong passwords: try again later.")
		return
	}
	_, err := s.cfg.Users.Authenticate(r.Context(), name, r.PostFormValue("current"))
	if errors.Is(err, user.ErrInvalidCredentials) {
		s.guard.Fail(name, client)
		fail(http.StatusForbidden, "The current password is wrong.")
		return
	}
	if err == nil {
		err = s.cfg.Users.SetPassword(name, r.PostFormValue("password"))
	}
	switch {
	case errors.Is(err, user.ErrWeakPassword):
		fail(http.StatusBadRequest, err.Error())
	case err != nil:
		s.log.Error("change own password", "user", name, "error", err)
		fail(http.StatusInternalServerError, "The users file cannot be written; see the server's log.")
	default:
		s.log.Info("password changed", "user", name, "client", client)
		http.Redirect(w, r, "/login?next=%2F", http.StatusSeeOther)
	}
}
