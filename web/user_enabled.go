package web

import (
	"fmt"
	"net/http"
)

// userEnabled answers POST /admin/users/enabled (name, enabled=true|false):
// a disabled user's sessions and token stop working at once.
func (s *Server) userEnabled(w http.ResponseWriter, r *http.Request) {
	name, err := otherUser(r)
	enabled := r.PostFormValue("enabled") == "true"
	if err == nil {
		err = s.cfg.Users.SetEnabled(name, enabled)
	}
	state := "Disabled"
	if enabled {
		state = "Enabled"
	}
	s.userChanged(w, r, err, fmt.Sprintf("%s %q.", state, name))
}
