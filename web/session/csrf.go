package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
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
