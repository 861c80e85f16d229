package web

import (
	"fmt"
	"net/http"
)

// userDelete answers POST /admin/users/delete (name): the user goes, with
// their token; never oneself.
func (s *Server) userDelete(w http.ResponseWriter, r *http.Request) {
	name, err := otherUser(r)
	if err == nil {
		err = s.cfg.Users.Delete(name)
	}
	s.userChanged(w, r, err, fmt.Sprintf("Deleted %q.", name))
}
