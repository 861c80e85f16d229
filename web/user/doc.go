// Package user owns the web UI's users file, users.json: who may log in,
// with which password, as an admin or not, and with which API token.
//
// # The file
//
// The format is the Python aiosyslogd's (aiosyslogd/auth.py), so that its
// users.json works unchanged:
//
//	{
//	    "alice": {
//	        "username": "alice",
//	        "password_hash": "scrypt:32768:8:1$SALT$HEX",
//	        "is_admin": true,
//	        "is_enabled": true
//	    }
//	}
//
// The object's key is the user's name. As in Python, a missing is_admin is
// false and a missing is_enabled true. Password hashes are werkzeug's:
// scrypt and pbkdf2 hashes from any werkzeug version verify (see
// VerifyPassword), and new ones are scrypt:32768:8:1, werkzeug 3's default,
// which the Python aiosyslogd verifies in turn.
//
// The file is written whole: a temporary file in the same directory, fsynced,
// mode 0600 and the old file's owner, renamed over the old one, as the
// Python project also does. Keys this package does not know are kept.
// A file that is not valid JSON is an error; it is never replaced by a
// default (the Python version resets it to admin/admin).
//
// # API tokens
//
// A user may have one API token, for scripts (Authorization: Bearer TOKEN).
// Only its SHA-256, in hex, is stored, under an extra key of the user's
// object, "api_token_sha256"; the token itself is shown once when made. It
// lives there, not in a file of its own, so that it is deleted with its
// user and a user re-created under the same name does not inherit it. The
// Python version reads such a file (User.from_dict takes the four keys it
// knows and ignores the rest) but does not write the key back: when Python
// rewrites users.json, every token is revoked and its owner makes a new
// one. That errs on the safe side, and no extra key is added at the top
// level, where Python would take it for a user.
//
// # Session generations
//
// Each user's object also holds "session_generation", 128 random bits in
// hex that every session cookie of the user carries (package
// web/session). Logging out, a new password, revoking the token and
// disabling the user replace it (EndSessions), which ends every session of
// the user in every process and across restarts; a password change and
// disabling also remove the API token. A user deleted and added again
// gets a new random generation, so no cookie of the old one works. When
// Python drops the key, the user's sessions end and the next login makes
// a new generation.
//
// # Changes by other processes
//
// Every operation of a Store first compares the file with the one it read
// (inode, size and modification time) and re-reads it when they differ. So
// `aiosyslogd user disable bob`, run while the web server runs, ends bob's
// sessions and token on his next request, without a restart. A deleted
// file leaves no users. Two processes writing at the same moment can lose
// one of the two changes (the last rename wins); within one process a
// mutex orders them.
//
// # No default password
//
// Bootstrap, for the first start of the web server, creates the file with
// one admin whose password is random and returned to be shown once.
package user
