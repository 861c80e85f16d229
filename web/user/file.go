package user

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// The keys of one user's object in users.json. The first four are the
// Python aiosyslogd's; tokenKey and sessionsKey are ours (see the package
// doc).
const (
	usernameKey = "username"
	hashKey     = "password_hash"
	adminKey    = "is_admin"
	enabledKey  = "is_enabled"
	tokenKey    = "api_token_sha256"
	sessionsKey = "session_generation"
)

// record is one user as stored. extra keeps keys this package does not
// know, so that rewriting a file written by a newer program loses nothing.
type record struct {
	passwordHash string
	admin        bool
	enabled      bool
	tokenHash    string
	generation   string // of the user's sessions; see Store.EndSessions
	extra        map[string]json.RawMessage
}

func (r *record) clone() *record {
	c := *r
	c.extra = make(map[string]json.RawMessage, len(r.extra))
	maps.Copy(c.extra, r.extra)
	return &c
}

// parseUsers reads users.json the way the Python aiosyslogd does: the object
// key is the user's name; a missing is_admin is false and a missing
// is_enabled true; null is false, as Python's truth test makes it.
func parseUsers(data []byte) (map[string]*record, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("want a JSON object of users: %w", err)
	}
	if top == nil {
		return nil, errors.New("want a JSON object of users, not null")
	}
	users := make(map[string]*record, len(top))
	for name, raw := range top {
		r, err := parseRecord(raw)
		if err != nil {
			return nil, fmt.Errorf("user %q: %w", name, err)
		}
		users[name] = r
	}
	return users, nil
}

func parseRecord(raw json.RawMessage) (*record, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, errors.New("want an object with username, password_hash, is_admin and is_enabled")
	}
	r := &record{enabled: true, extra: map[string]json.RawMessage{}}
	for key, v := range fields {
		var err error
		switch key {
		case usernameKey: // the object's key is the name, as in Python's lookups
		case hashKey:
			err = decodeNullable(v, &r.passwordHash)
		case adminKey:
			err = decodeNullable(v, &r.admin)
		case enabledKey:
			r.enabled = false // null is false; a bool overwrites it
			err = decodeNullable(v, &r.enabled)
		case tokenKey:
			err = decodeNullable(v, &r.tokenHash)
		case sessionsKey:
			err = decodeNullable(v, &r.generation)
		default:
			r.extra[key] = v
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	}
	return r, nil
}

// decodeNullable decodes v into dst, leaving dst as it is for null.
func decodeNullable(v json.RawMessage, dst any) error {
	if string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	return json.Unmarshal(v, dst)
}

// encodeUsers writes users in the layout of Python's json.dump(…, indent=4),
// names sorted, each object's keys in the Python project's order, then ours,
// then any others.
func encodeUsers(users map[string]*record) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, name := range slices.Sorted(maps.Keys(users)) {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := encodeRecord(&buf, name, users[name]); err != nil {
			return nil, fmt.Errorf("user %q: %w", name, err)
		}
	}
	buf.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "    "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func encodeRecord(buf *bytes.Buffer, name string, r *record) error {
	type field struct {
		key   string
		value any
	}
	fields := []field{{usernameKey, name}, {hashKey, r.passwordHash}, {adminKey, r.admin}, {enabledKey, r.enabled}}
	if r.tokenHash != "" {
		fields = append(fields, field{tokenKey, r.tokenHash})
	}
	if r.generation != "" {
		fields = append(fields, field{sessionsKey, r.generation})
	}
	for _, k := range slices.Sorted(maps.Keys(r.extra)) {
		fields = append(fields, field{k, r.extra[k]})
	}
	writeJSON(buf, name)
	buf.WriteString(":{")
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeJSON(buf, f.key)
		buf.WriteByte(':')
		if err := writeJSON(buf, f.value); err != nil {
			return fmt.Errorf("%s: %w", f.key, err)
		}
	}
	buf.WriteByte('}')
	return nil
}

func writeJSON(buf *bytes.Buffer, v any) error {
	b, err := json.Marshal(v)
	if err == nil {
		buf.Write(b)
	}
	return err
}

// writeAtomic replaces path with data: a temporary file in the same
// directory (so that the rename cannot cross file systems), fsynced, mode
// 0600, given the old file's owner, then renamed over path. A reader sees
// the old file or the new one, never a part. It returns the new file's
// FileInfo, taken before the rename so that a later writer's file cannot be
// mistaken for ours.
func writeAtomic(path string, data []byte) (os.FileInfo, error) {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(tmp)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return info, nil
}

// createExclusive writes data to path like writeAtomic, but only when path
// does not exist: the complete file is linked into place, and a file made
// meanwhile by another process is left alone (an error wrapping
// fs.ErrExist). A missing directory is made, mode 0700.
func createExclusive(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("create %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncFile is (*os.File).Sync; tests make it fail.
var syncFile = (*os.File).Sync

// writeTemp writes data to a new 0600 file beside path and returns its name.
func writeTemp(path string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	err = f.Chmod(0o600)
	if err == nil {
		err = keepOwner(f, path)
	}
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = syncFile(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return f.Name(), nil
}

// syncDir makes a rename in dir durable. Failure is not reported: the data
// itself is already on disk, and some file systems cannot sync a directory.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
