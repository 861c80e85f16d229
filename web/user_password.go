package web

import (
	"fmt"
	"net/http"
)

// userPassword answers POST /admin/users/password (name, password): a new
// password for another user (one's own is changed with the CLI, which
// asks for it twice without echo).
func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	err := s.cfg.Users.SetPassword(name, r.PostFormValue("password"))
	s.userChanged(w, r, err, fmt.Sprintf("Set a new password for %q.", name))
}
