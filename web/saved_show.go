package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/aiosyslogd/aiosyslogd/web/saved"
)

// savedShow answers GET /saved: the user's saved searches, each a link to
// the search page on its view, with the forms to rename and delete them.
func (s *Server) savedShow(w http.ResponseWriter, r *http.Request) {
	s.showSaved(w, r, http.StatusOK, "", "")
}

// showSaved renders the saved searches page with status and a message.
func (s *Server) showSaved(w http.ResponseWriter, r *http.Request, status int, notice, problem string) {
	list, err := s.savedStore().List(currentUser(r).Name)
	if err != nil {
		s.log.Error("list saved searches", "error", err)
		problem, status = "The users file cannot be read; see the server's log.", http.StatusInternalServerError
	}
	s.render(w, r, status, "saved.html", pageData{Title: "Saved searches", Saved: list, Notice: notice, Error: problem})
}

func (s *Server) savedStore() saved.Store { return saved.Store{Users: s.cfg.Users} }

// savedChange is one change to the user's saved searches: what was done,
// or the error that stopped it.
type savedChange func(r *http.Request, store saved.Store, userName string) (notice string, err error)

// savedAdd saves the form's view (a query string) under the form's name.
// A view whose query does not parse is refused, as the search page would.
func savedAdd(r *http.Request, store saved.Store, userName string) (string, error) {
	name, view := r.PostFormValue("name"), r.PostFormValue("view")
	clean, err := saved.CleanView(view)
	if err != nil {
		return "", err
	}
	v, _ := url.ParseQuery(clean)
	if _, err := parseQuery(v, time.Now()); err != nil {
		return "", &badRequest{"the view cannot be searched: " + err.Error()}
	}
	return "Saved " + quote(name) + ".", store.Add(userName, name, clean, time.Now())
}

// savedRename gives the saved search name the name new_name.
func savedRename(r *http.Request, store saved.Store, userName string) (string, error) {
	from, to := r.PostFormValue("name"), r.PostFormValue("new_name")
	return "Renamed " + quote(from) + " to " + quote(to) + ".", store.Rename(userName, from, to, time.Now())
}

// savedDelete deletes the saved search name.
func savedDelete(r *http.Request, store saved.Store, userName string) (string, error) {
	name := r.PostFormValue("name")
	return "Deleted " + quote(name) + ".", store.Delete(userName, name)
}

func quote(s string) string { return `"` + s + `"` }

// savedMistake tells whether err is the user's mistake (400) rather than
// the server's (500).
func savedMistake(err error) bool {
	var br *badRequest
	return errors.Is(err, saved.ErrExists) || errors.Is(err, saved.ErrNotFound) || errors.Is(err, saved.ErrFull) ||
		errors.Is(err, saved.ErrInvalidName) || errors.Is(err, saved.ErrInvalidView) || errors.As(err, &br)
}

// savedForm answers a form of the page (POST /saved, /saved/rename,
// /saved/delete): the page again, saying what happened.
func (s *Server) savedForm(change savedChange) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		notice, err := change(r, s.savedStore(), currentUser(r).Name)
		switch {
		case err == nil:
			s.showSaved(w, r, http.StatusOK, notice, "")
		case savedMistake(err):
			s.showSaved(w, r, http.StatusBadRequest, "", err.Error())
		default:
			s.log.Error("change saved searches", "error", err)
			s.showSaved(w, r, http.StatusInternalServerError, "", "The users file cannot be written; see the server's log.")
		}
	}
}

// savedAnswer is the answer of /api/saved: the user's saved searches.
type savedAnswer struct {
	Saved []savedSearch `json:"saved"`
}

type savedSearch struct {
	Name  string `json:"name"`
	View  string `json:"view"`
	Link  string `json:"link"`
	Saved string `json:"saved"`
}

// apiSaved answers GET /api/saved.
func (s *Server) apiSaved(w http.ResponseWriter, r *http.Request) {
	list, err := s.savedStore().List(currentUser(r).Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := savedAnswer{Saved: []savedSearch{}}
	for _, x := range list {
		a.Saved = append(a.Saved, savedSearch{x.Name, x.View, x.Link(), x.Saved.Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, a)
}

// savedAPI answers a change through the API (POST /api/saved,
// /api/saved/rename, /api/saved/delete): the list after it, or the error.
func (s *Server) savedAPI(change savedChange) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, err := change(r, s.savedStore(), currentUser(r).Name)
		switch {
		case err == nil:
			s.apiSaved(w, r)
		case savedMistake(err):
			writeError(w, http.StatusBadRequest, err.Error())
		default:
			s.fail(w, r, err)
		}
	}
}
