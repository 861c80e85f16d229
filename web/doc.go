// Package web is aiosyslogd's browser UI and HTTP API: `aiosyslogd web`.
//
// One handler per file, named for what the user does (search_show.go,
// login_check.go, api_export.go); routes.go lists every route; the
// middleware (security headers, limits, sessions and tokens, CSRF) is in
// middleware.go, auth_middleware.go and csrf_middleware.go. Pages are
// html/template with the templates and static files embedded, so the
// binary works on an offline network; contextual auto-escaping shows every
// stored string as text, and a Content-Security-Policy without inline
// script is the second line of defence.
//
// The page draws its results, histogram and facets from the JSON API and
// nothing else, and the API answers from a db.Browser (the SQLite or the
// PostgreSQL store's reader, Config.Open) with the model of
// package db/search, as `aiosyslogd search` does: the same query finds
// the same events in the terminal, the page and a script. Users and
// sessions are packages web/user and web/session.
package web
