package web

import (
	"fmt"
	"net/http"
)

// userAdd answers POST /admin/users (name, password, admin=true): a new
// enabled user.
func (s *Server) userAdd(w http.ResponseWriter, r *http.Request) {
	name, admin := r.PostFormValue("name"), r.PostFormValue("admin") == "true"
	err := s.cfg.Users.Add(name, r.PostFormValue("password"), admin)
	s.userChanged(w, r, err, fmt.Sprintf("Added %q.", name))
}
