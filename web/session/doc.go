// Package session owns who is logged in to the web UI: the signed session
// cookie, the CSRF tokens bound to a session, and the limiter of failed
// logins.
//
// A session is stateless: the cookie carries the user's name, its expiry
// and a random session id, signed with HMAC-SHA256 under a 32-byte key
// that lives in a 0600 file beside the users file (KeyPath, LoadKey), so
// sessions survive a restart of the web server and a new key ends them
// all. Every Get also asks the user store whether the user is still
// enabled, so disabling or deleting a user ends their sessions at once.
// Logging out ends a session in this process's memory too, until it would
// have expired; a restart forgets that (the browser has dropped the cookie
// by then).
//
// A CSRF token is an HMAC of the session id under a key of its own (both
// are derived from the file's key), so a form posted from another site,
// which cannot read the page, cannot carry one.
package session
