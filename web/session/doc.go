// Package session owns who is logged in to the web UI: the signed session
// cookie, the CSRF tokens bound to a session or to the login form, and the
// limits on failed logins (LoginGuard: per name and client, per client,
// per name).
//
// The cookie carries the user's name, its expiry, a random session id and
// the generation of the user's sessions, signed with HMAC-SHA256 under a
// 32-byte key that lives in a 0600 file beside the users file (KeyPath,
// LoadKey), so sessions survive a restart of the web server and a new key
// ends them all. Every Get asks the user store whether the user is still
// enabled and the generation still theirs. The generation is stored with
// the user (package web/user): logging out, a new password, revoking the
// token or disabling the user replace it, and a user deleted and added
// again gets a new one, so each of these ends every session of the user
// for good, in every process and across restarts.
//
// A login form carries a CSRF token too, bound to a cookie of its own
// (LoginCSRF), so that another site cannot log a browser in to an account
// of its choosing.
//
// A CSRF token is an HMAC of the session id under a key of its own (both
// are derived from the file's key), so a form posted from another site,
// which cannot read the page, cannot carry one.
package session
