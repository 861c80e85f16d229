package web

import (
	"errors"
	"net/http"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// usersShow answers GET /admin/users: every user, with the forms to add,
// disable, enable, reset the password of and delete them.
func (s *Server) usersShow(w http.ResponseWriter, r *http.Request) {
	s.showUsers(w, r, http.StatusOK, "", "")
}

// showUsers renders the users page with status and a message.
func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, status int, notice, problem string) {
	users, err := s.cfg.Users.List()
	if err != nil {
		s.log.Error("list users", "error", err)
		problem = "The users file cannot be read; see the server's log."
		status = http.StatusInternalServerError
	}
	s.render(w, r, status, "users.html", pageData{Title: "Users", Users: users, Notice: notice, Error: problem})
}

// userChanged ends a form that changed a user: the page again, with what
// happened or why nothing did (a user's mistake is 400, a file that
// cannot be written 500).
func (s *Server) userChanged(w http.ResponseWriter, r *http.Request, err error, notice string) {
	switch {
	case err == nil:
		s.log.Info("users changed", "by", currentUser(r).Name, "change", notice)
		s.showUsers(w, r, http.StatusOK, notice, "")
	case errors.Is(err, user.ErrNotFound), errors.Is(err, user.ErrExists), errors.Is(err, user.ErrInvalidName),
		errors.Is(err, user.ErrWeakPassword), errors.Is(err, errSelf):
		s.showUsers(w, r, http.StatusBadRequest, "", err.Error())
	default:
		s.log.Error("change users", "error", err)
		s.showUsers(w, r, http.StatusInternalServerError, "", "The users file cannot be written; see the server's log.")
	}
}

// errSelf refuses to disable or delete the admin who asks.
var errSelf = errors.New("you cannot disable or delete yourself (another admin can)")

// otherUser is the name a form names, unless it is the current user's.
func otherUser(r *http.Request) (string, error) {
	name := r.PostFormValue("name")
	if name == currentUser(r).Name {
		return "", errSelf
	}
	return name, nil
}
