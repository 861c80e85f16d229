package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
)

// CSRFField is the form field, and CSRFHeader the request header, that
// carry the CSRF token of a request that changes something.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// ErrCSRF is returned for a missing or wrong CSRF token.
var ErrCSRF = errors.New("missing or invalid CSRF token")

// CSRFToken is the token that forms of session s carry.
func (m *Manager) CSRFToken(s Session) string {
	return base64.RawURLEncoding.EncodeToString(m.csrfMAC(s.ID))
}

func (m *Manager) csrfMAC(id string) []byte {
	h := hmac.New(sha256.New, m.csrfKey)
	h.Write([]byte(id))
	return h.Sum(nil)
}

// CheckCSRF returns nil if token is session s's CSRF token, compared in
// constant time, and ErrCSRF otherwise.
func (m *Manager) CheckCSRF(s Session, token string) error {
	got, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || s.ID == "" || !hmac.Equal(got, m.csrfMAC(s.ID)) {
		return ErrCSRF
	}
	return nil
}

// CheckRequest checks the CSRF token of r, from the CSRFHeader header or
// else the CSRFField form field, against session s. Reading the form reads
// the body: bound it first (http.MaxBytesReader).
func (m *Manager) CheckRequest(r *http.Request, s Session) error {
	token := r.Header.Get(CSRFHeader)
	if token == "" {
		token = r.PostFormValue(CSRFField)
	}
	return m.CheckCSRF(s, token)
}

// LoginCookieName is the cookie that binds the login form's CSRF token.
const LoginCookieName = "aiosyslogd_login"

// LoginCSRF returns the CSRF token of the login form that r gets, and the
// cookie to set with it when r carries no valid one (nil otherwise). The
// cookie holds a random value and the token is its MAC: a page of another
// site can neither read the token nor, under SameSite, send the cookie, so
// it cannot post a login of its choosing (login CSRF).
func (m *Manager) LoginCSRF(r *http.Request) (string, *http.Cookie, error) {
	if c, err := r.Cookie(LoginCookieName); err == nil && validLoginNonce(c.Value) {
		return m.loginToken(c.Value), nil, nil
	}
	nonce := make([]byte, idSize)
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, fmt.Errorf("random: %w", err)
	}
	value := base64.RawURLEncoding.EncodeToString(nonce)
	c := &http.Cookie{Name: LoginCookieName, Value: value, Path: "/login",
		HttpOnly: true, Secure: m.Secure, SameSite: http.SameSiteLaxMode}
	return m.loginToken(value), c, nil
}

// CheckLoginCSRF returns nil if the login form r posts carries the token
// of its login cookie (field CSRFField), and ErrCSRF otherwise.
func (m *Manager) CheckLoginCSRF(r *http.Request) error {
	c, err := r.Cookie(LoginCookieName)
	if err != nil || !validLoginNonce(c.Value) {
		return ErrCSRF
	}
	got, err := base64.RawURLEncoding.DecodeString(r.PostFormValue(CSRFField))
	want, _ := base64.RawURLEncoding.DecodeString(m.loginToken(c.Value))
	if err != nil || !hmac.Equal(got, want) {
		return ErrCSRF
	}
	return nil
}

func (m *Manager) loginToken(nonce string) string {
	return base64.RawURLEncoding.EncodeToString(m.csrfMAC("login\x00" + nonce))
}

func validLoginNonce(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == idSize
}
