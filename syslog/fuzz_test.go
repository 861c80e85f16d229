package syslog

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// The seed corpora are the table tests' inputs, added with f.Add, and the
// files checked in under testdata/fuzz/FuzzXxx/. Run a fuzzer with e.g.
//
//	go test ./syslog/ -run='^$' -fuzz='^FuzzParseRFC5424$' -fuzztime=10s

func FuzzParseRFC5424(f *testing.F) {
	for _, tt := range rfc5424Valid {
		f.Add([]byte(tt.in))
	}
	for _, tt := range rfc5424Invalid {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseRFC5424(b)
		if err != nil {
			checkParseError(t, b, m, err)
			return
		}
		// A valid message formats back to one that parses the same.
		out := m.AppendRFC5424(nil)
		back, err := ParseRFC5424(out)
		if err != nil {
			t.Fatalf("%q formatted as %q, which does not parse: %v", b, out, err)
		}
		if flatten(back) != flatten(m) {
			t.Fatalf("%q formatted as %q\n parses as %+v\nwant %+v", b, out, flatten(back), flatten(m))
		}
	})
}

// checkParseError asserts what a failed parse promises: a *ParseError
// pointing into the input, and the unparsed rest of it kept as Text.
func checkParseError(t *testing.T, b []byte, m Message, err error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %T %v is not a *ParseError", err, err)
	}
	if pe.Column < 1 || pe.Column > len(b)+1 || pe.Expected == "" {
		t.Fatalf("%q: error %v points outside the input", b, err)
	}
	if !strings.HasSuffix(string(b), m.Text) {
		t.Fatalf("%q: Text %q is not the rest of the input", b, m.Text)
	}
}

// rfc3164Seeds are the inputs of the RFC 3164 tables.
func rfc3164Seeds() []string {
	var in []string
	for _, tt := range rfc3164Tests {
		in = append(in, tt.in)
	}
	for _, tt := range rfc3164Kinds {
		in = append(in, tt.in)
	}
	for _, tt := range rfc3164Conventions {
		in = append(in, tt.in)
	}
	for _, tt := range realWorld3164 {
		in = append(in, tt.in)
	}
	return in
}

func FuzzParseRFC3164(f *testing.F) {
	for _, in := range rfc3164Seeds() {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := string(trimFraming(b))
		m, err := testParser.Parse(b)
		if err != nil {
			checkParseError(t, []byte(s), m, err)
		}
		_, n, perr := scanPRI(s)
		if perr == nil && looksRFC5424(s, n) {
			return // FuzzParseRFC5424's business
		}
		// Best effort loses nothing: the text is what follows the header.
		if !strings.HasSuffix(s, m.Text) {
			t.Fatalf("%q: Text %q is not the end of the input", s, m.Text)
		}
		if (err == nil) != (perr == nil) {
			t.Fatalf("%q: error %v, but PRI error %v", s, err, perr)
		}
		for _, f := range []string{m.Hostname, m.AppName, m.ProcID} {
			if !strings.Contains(s, f) {
				t.Fatalf("%q: field %q is not from the input", s, f)
			}
		}
		// Whatever was parsed formats as strict RFC 5424.
		out := m.AppendRFC5424(nil)
		if back, err := ParseRFC5424(out); err != nil {
			t.Fatalf("%q formatted as %q, which does not parse: %v", s, out, err)
		} else if got, want := flatten(back), sanitised(m); got != want {
			t.Fatalf("%q formatted as %q\n parses as %+v\nwant %+v", s, out, got, want)
		}
	})
}

func FuzzConvert(f *testing.F) {
	for _, in := range rfc3164Seeds() {
		f.Add([]byte(in + "\n" + in))
	}
	for _, tt := range rfc5424Valid[:8] {
		f.Add([]byte(tt.in + "\r\nnot syslog\n"))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var out bytes.Buffer
		if err := testConverter(false).Convert(context.Background(), bytes.NewReader(b), &out); err != nil {
			t.Fatal(err)
		}
		checkConversion(t, b, out.Bytes())

		// Strict mode writes the same lines, less the rejected ones.
		var strict bytes.Buffer
		c := testConverter(true)
		rejected := 0
		c.Reject = func(int, error) { rejected++ }
		err := c.Convert(context.Background(), bytes.NewReader(b), &strict)
		if (rejected > 0) != errors.Is(err, ErrRejected) || rejected == 0 && err != nil {
			t.Fatalf("strict: %d rejected, error %v", rejected, err)
		}
		if n, m := len(splitLines(out.Bytes())), len(splitLines(strict.Bytes())); n-rejected != m {
			t.Fatalf("strict wrote %d lines and rejected %d of %d", m, rejected, n)
		}
	})
}
