package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Email sends each message by SMTP: to Server ("host:port"), upgrading to
// TLS with STARTTLS when the server offers it, or with an "smtps://" prefix
// over TLS from the start (port 465).
type Email struct {
	Server   string
	From     string
	To       []string
	Username string // "" sends without logging in
	Password string
	// TLS, when set, is the TLS configuration (the roots to trust); its
	// ServerName is set to the server's host.
	TLS *tls.Config
}

// Send sends m as one plain-text mail to every recipient.
func (e *Email) Send(ctx context.Context, m *Message) (err error) {
	addr, implicit := strings.CutPrefix(e.Server, "smtps://")
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", e.Server, err)
	}
	conn, err := e.dial(ctx, addr, host, implicit)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp %s: %w", addr, err)
	}
	defer c.Close()
	if err := e.session(c, host, implicit, m); err != nil {
		return fmt.Errorf("smtp %s: %w", addr, err)
	}
	return nil
}

func (e *Email) dial(ctx context.Context, addr, host string, implicit bool) (net.Conn, error) {
	var conn net.Conn
	var err error
	if implicit {
		d := tls.Dialer{Config: e.tlsConfig(host)}
		conn, err = d.DialContext(ctx, "tcp", addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return conn, nil
}

func (e *Email) tlsConfig(host string) *tls.Config {
	cfg := &tls.Config{}
	if e.TLS != nil {
		cfg = e.TLS.Clone()
	}
	cfg.ServerName = host
	return cfg
}

// session says hello, starts TLS when offered, logs in when asked to, and
// sends m.
func (e *Email) session(c *smtp.Client, host string, implicit bool, m *Message) error {
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !implicit {
		if err := c.StartTLS(e.tlsConfig(host)); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if e.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(e.From); err != nil {
		return err
	}
	for _, to := range e.To {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("rcpt %s: %w", to, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(e.mail(m)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// mail is m as an RFC 5322 message: headers, then the text in
// quoted-printable UTF-8.
func (e *Email) mail(m *Message) []byte {
	var b bytes.Buffer
	id := make([]byte, 12)
	rand.Read(id)
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@aiosyslogd>\r\n",
		e.From, strings.Join(e.To, ", "), mime.QEncoding.Encode("utf-8", "aiosyslogd: "+m.Summary()),
		time.Now().Format(time.RFC1123Z), hex.EncodeToString(id))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(m.Text(), "\n", "\r\n")))
	qp.Close()
	return b.Bytes()
}
