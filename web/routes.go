package web

import "net/http"

// routes lists every route: who may use it, and its handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	type hf = http.HandlerFunc
	page := func(h hf) http.Handler { return s.requireUser(h, false) }
	api := func(h hf) http.Handler { return s.requireUser(h, true) }
	// Forms that change something carry the session's CSRF token.
	form := func(h hf) http.Handler { return s.requireUser(s.checkCSRF(h), false) }
	admin := func(h hf) http.Handler { return s.requireUser(s.adminOnly(s.checkCSRF(h)), false) }
	// API changes: a bearer token, or the session and its CSRF token.
	apiChange := func(h hf) http.Handler { return s.requireUser(s.checkCSRFUnlessToken(h), true) }

	// Without a login.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /login", s.loginShow)
	mux.HandleFunc("POST /login", s.loginCheck)
	mux.Handle("GET /static/", staticFiles())

	// The page, and the API it reads.
	mux.Handle("GET /{$}", page(s.searchShow))
	mux.Handle("POST /logout", form(s.logout))
	mux.Handle("GET /api/search", api(s.apiSearch))
	mux.Handle("GET /api/histogram", api(s.apiHistogram))
	mux.Handle("GET /api/facets", api(s.apiFacets))
	mux.Handle("GET /api/tail", api(s.apiTail))
	mux.Handle("GET /api/export", api(s.apiExport))
	mux.Handle("GET /api/event", api(s.apiEvent))
	mux.Handle("GET /api/context", api(s.apiContext))
	mux.Handle("GET /api/values", api(s.apiValues))

	// One's own saved searches.
	mux.Handle("GET /saved", page(s.savedShow))
	mux.Handle("POST /saved", form(s.savedForm(savedAdd)))
	mux.Handle("POST /saved/rename", form(s.savedForm(savedRename)))
	mux.Handle("POST /saved/delete", form(s.savedForm(savedDelete)))
	mux.Handle("GET /api/saved", api(s.apiSaved))
	mux.Handle("POST /api/saved", apiChange(s.savedAPI(savedAdd)))
	mux.Handle("POST /api/saved/rename", apiChange(s.savedAPI(savedRename)))
	mux.Handle("POST /api/saved/delete", apiChange(s.savedAPI(savedDelete)))

	// Alerts: everyone sees them; admins change the rules file's.
	adminPage := func(h hf) http.Handler { return s.requireUser(s.adminOnly(h), false) }
	adminAPI := func(h hf) http.Handler { return s.requireUser(s.apiAdminOnly(h), true) }
	adminAPIChange := func(h hf) http.Handler { return s.requireUser(s.apiAdminOnly(s.checkCSRFUnlessToken(h)), true) }
	mux.Handle("GET /alerts", page(s.alertsShow))
	mux.Handle("GET /alerts/new", adminPage(s.alertNew))
	mux.Handle("GET /alerts/edit", adminPage(s.alertEdit))
	mux.Handle("POST /alerts/save", admin(s.alertFormPost(alertSave)))
	mux.Handle("POST /alerts/delete", admin(s.alertFormPost(alertDelete)))
	mux.Handle("POST /alerts/mute", admin(s.alertFormPost(alertMute)))
	mux.Handle("GET /api/alerts", api(s.apiAlerts))
	mux.Handle("GET /api/alerts/backtest", adminAPI(s.apiBacktest))
	mux.Handle("POST /api/alerts/save", adminAPIChange(s.alertAPIPost(alertSave)))
	mux.Handle("POST /api/alerts/delete", adminAPIChange(s.alertAPIPost(alertDelete)))
	mux.Handle("POST /api/alerts/mute", adminAPIChange(s.alertAPIPost(alertMute)))

	// One's own password.
	mux.Handle("GET /account", page(s.accountShow))
	mux.Handle("POST /account/password", form(s.accountPassword))

	// Users, for admins.
	mux.Handle("GET /admin/users", s.requireUser(s.adminOnly(hf(s.usersShow)), false))
	mux.Handle("POST /admin/users", admin(s.userAdd))
	mux.Handle("POST /admin/users/enabled", admin(s.userEnabled))
	mux.Handle("POST /admin/users/password", admin(s.userPassword))
	mux.Handle("POST /admin/users/delete", admin(s.userDelete))

	return s.secure(mux)
}
