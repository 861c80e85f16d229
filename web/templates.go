package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/web/saved"
	"github.com/aiosyslogd/aiosyslogd/web/user"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFS embed.FS

func parseTemplates() (*template.Template, error) {
	t, err := template.New("").ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web templates: %w", err)
	}
	return t, nil
}

// staticFiles serves the embedded scripts and styles under /static/.
// They change only with the binary, so browsers may keep them an hour.
// Only files are served: a directory (its listing) or a name that is not a
// valid path of the embedded files (/static/%ff) is 404.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(staticFS, "static") // the directory is embedded at build time
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if info, err := fs.Stat(sub, name); !fs.ValidPath(name) || err != nil || info.IsDir() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// pageData is what every page template gets.
type pageData struct {
	Title  string
	User   user.User // the zero User on the login page
	CSRF   string    // the session's CSRF token, for forms that change something
	Error  string
	Notice string

	Next     string      // login: where to go after
	Form     searchForm  // search: the query's parameters as typed
	Help     queryHelp   // search: the query bar's help
	Users    []user.User // users: every user
	Database string      // search: the database file, for "no database yet"
	NoData   bool        // search: the database does not exist yet
	View     string      // search: the view's query string, for Save search

	Saved []saved.Search // saved: the user's saved searches

	Alerts     []alertView // alerts: every rule
	AlertForm  alertForm   // alert_form: the rule edited
	RulesFile  string      // alerts: the rules file the page writes
	ConfigFile string      // alerts: serve's configuration
}

// render writes page name with data and status. The page is made in
// memory first, so that a template error is a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	if sess, ok := currentSession(r); ok {
		data.User = sess.User
		if data.CSRF == "" { // the login form has its own
			data.CSRF = s.cfg.Sessions.CSRFToken(sess)
		}
	}
	var b bytes.Buffer
	if err := s.pages.ExecuteTemplate(&b, name, data); err != nil {
		s.log.Error("render", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
