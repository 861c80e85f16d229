package receive

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync/atomic"
)

// KeyPair is a TLS certificate and its private key, read from files, that
// Reload reads again (on SIGHUP) while listeners use it: connections made
// after a Reload get the new certificate, those open keep theirs.
type KeyPair struct {
	CertFile, KeyFile string
	cert              atomic.Pointer[tls.Certificate]
}

// LoadKeyPair reads the certificate (PEM, the server's first, then any
// intermediates) and its key. The error names the file that is missing,
// unreadable or invalid, or says that the two do not match.
func LoadKeyPair(certFile, keyFile string) (*KeyPair, error) {
	kp := &KeyPair{CertFile: certFile, KeyFile: keyFile}
	if err := kp.Reload(); err != nil {
		return nil, err
	}
	return kp, nil
}

// Reload reads the files again and uses what they hold. On error the
// certificate in use is kept.
func (kp *KeyPair) Reload() error {
	cert, err := kp.Read()
	if err != nil {
		return err
	}
	kp.Use(cert)
	return nil
}

// Read reads the files and returns the certificate they hold, without
// using it yet. The error names the file that is missing, unreadable or
// invalid, or says that the two do not match.
func (kp *KeyPair) Read() (*tls.Certificate, error) {
	certPEM, err := os.ReadFile(kp.CertFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(kp.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS key: %w", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate %s with key %s: %w", kp.CertFile, kp.KeyFile, err)
	}
	return &cert, nil
}

// Use makes cert, from Read, the certificate of the connections made from
// now on; those open keep theirs.
func (kp *KeyPair) Use(cert *tls.Certificate) { kp.cert.Store(cert) }

// Leaf returns the server certificate in use.
func (kp *KeyPair) Leaf() *x509.Certificate { return kp.cert.Load().Leaf }

// GetCertificate returns the certificate in use, for tls.Config.
func (kp *KeyPair) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return kp.cert.Load(), nil
}

// ServerTLSConfig returns the configuration of a syslog TLS listener
// (RFC 5425): TLS 1.2 or newer with Go's default cipher suites, the
// certificate of kp, no session tickets, and — when clientCAFile is not empty — mutual TLS:
// every client must present a certificate that the CAs in clientCAFile
// (PEM) signed.
func ServerTLSConfig(kp *KeyPair, clientCAFile string) (*tls.Config, error) {
	// No session tickets: in TLS 1.3 the server sends them after the
	// handshake, and a syslog client that only sends never reads them. Its
	// close with that data unread becomes a reset, and the kernel then
	// discards what the daemon had not read yet. Without tickets the
	// server writes nothing once the handshake is over (its only other
	// write, close_notify, comes after the client's end of stream).
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: kp.GetCertificate, SessionTicketsDisabled: true}
	if clientCAFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(clientCAFile)
	if err != nil {
		return nil, fmt.Errorf("TLS client CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("TLS client CA %s: no PEM certificate in it", clientCAFile)
	}
	cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
	return cfg, nil
}
