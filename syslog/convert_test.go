package syslog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testConverter is deterministic: RFC 3164 times are UTC in 2026, and lines
// that are not syslog are stamped testNow.
func testConverter(strict bool) *Converter {
	return &Converter{
		Parser: Parser{Location: time.UTC, Year: 2026},
		Strict: strict,
		Now:    func() time.Time { return testNow },
	}
}

// TestConvertGolden converts each testdata/convert/*.input and compares the
// output with NAME.golden, and in strict mode with NAME.strict.golden and the
// rejected lines with NAME.strict.stderr. go test -update rewrites them.
func TestConvertGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/convert/*.input")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs in testdata/convert: %v", err)
	}
	for _, in := range inputs {
		base := strings.TrimSuffix(in, ".input")
		t.Run(filepath.Base(base), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := testConverter(false).Convert(context.Background(), bytes.NewReader(data), &out); err != nil {
				t.Fatalf("Convert: %v", err)
			}
			golden(t, base+".golden", out.Bytes())
			checkConversion(t, data, out.Bytes())

			out.Reset()
			var rejected bytes.Buffer
			c := testConverter(true)
			c.Reject = func(line int, err error) { fmt.Fprintf(&rejected, "%d: %v\n", line, err) }
			err = c.Convert(context.Background(), bytes.NewReader(data), &out)
			if rejected.Len() > 0 != errors.Is(err, ErrRejected) {
				t.Errorf("strict Convert returned %v after rejecting\n%s", err, rejected.String())
			}
			golden(t, base+".strict.golden", out.Bytes())
			golden(t, base+".strict.stderr", rejected.Bytes())
		})
	}
}

// golden compares got with the file, or rewrites the file with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w []byte
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if !bytes.Equal(g, w) {
				t.Errorf("%s differs at line %d:\n got %q\nwant %q\n(run go test -update if the change is intended)", path, i+1, g, w)
				return
			}
		}
	}
}

// splitLines splits converter input as Convert does.
func splitLines(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	lines := bytes.Split(data, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = trimEOL(l)
	}
	return lines
}

// checkConversion asserts the property that makes convert trustworthy:
// there is one output line per input line, and each parses with the strict
// RFC 5424 parser to the priority, timestamp, host, app, PID, MSGID and
// message that were parsed from the input (as sanitised by AppendRFC5424).
func checkConversion(t testing.TB, input, output []byte) {
	t.Helper()
	in := splitLines(input)
	if len(output) > 0 && output[len(output)-1] != '\n' {
		t.Fatalf("output does not end with a newline: %q", output)
	}
	out := splitLines(output)
	if len(out) != len(in) {
		t.Fatalf("%d input lines gave %d output lines", len(in), len(out))
	}
	p := Parser{Location: time.UTC, Year: 2026}
	for i := range in {
		got, err := ParseRFC5424(out[i])
		if err != nil {
			t.Fatalf("line %d: output %q is not strict RFC 5424: %v", i+1, out[i], err)
		}
		var m Message
		f, perr := p.parse(string(in[i]), &m)
		switch {
		case f == formRFC5424 && perr == nil:
			if !bytes.Equal(out[i], in[i]) {
				t.Fatalf("line %d: RFC 5424 input %q was changed to %q", i+1, in[i], out[i])
			}
			continue
		case f == formNone:
			m = Message{Priority: DefaultPriority, Timestamp: testNow, Text: string(in[i])}
		}
		if want := sanitised(m); flatten(got) != want {
			t.Fatalf("line %d: %q\nconverted to %q\nwhich parses as %+v\nwant %+v", i+1, in[i], out[i], flatten(got), want)
		}
	}
}

// sanitised is m as AppendRFC5424 documents its output, flattened.
func sanitised(m Message) fields {
	field := func(v string, max int) string {
		b := appendField(nil, v, max)
		if string(b) == "-" {
			return ""
		}
		return string(b)
	}
	if m.Priority > MaxPriority {
		m.Priority = DefaultPriority
	}
	if y := m.Timestamp.Year(); y < 0 || y > 9999 {
		m.Timestamp = time.Time{}
	}
	m.Timestamp = m.Timestamp.Truncate(time.Microsecond)
	m.Hostname = field(m.Hostname, maxHostname)
	m.AppName = field(m.AppName, maxAppName)
	m.ProcID = field(m.ProcID, maxProcID)
	m.MsgID = field(m.MsgID, maxMsgID)
	if strings.HasPrefix(m.Text, bom) && !utf8.ValidString(m.Text) {
		m.Text = strings.Map(func(r rune) rune { return r }, m.Text) // each invalid byte becomes U+FFFD
	}
	f := flatten(m)
	f.SD = string(AppendStructuredData(nil, m.StructuredData))
	return f
}

func TestConvertLongLines(t *testing.T) {
	long := strings.Repeat("x", 300<<10) // longer than any buffer
	input := "<13>Nov 24 03:41:06 host app: " + long + "\nshort\n" + long + "\xff"
	var out bytes.Buffer
	if err := testConverter(false).Convert(context.Background(), strings.NewReader(input), &out); err != nil {
		t.Fatal(err)
	}
	want := "<13>1 2026-11-24T03:41:06Z host app - - - " + long + "\n" +
		"<13>1 2026-11-24T12:00:00Z - - - - - short\n" +
		"<13>1 2026-11-24T12:00:00Z - - - - - " + long + "\xff\n"
	if out.String() != want {
		t.Errorf("long lines converted wrongly (got %d bytes, want %d)", out.Len(), len(want))
	}
	checkConversion(t, []byte(input), out.Bytes())
}

func TestConvertEmpty(t *testing.T) {
	for _, in := range []string{"", "\n", "\r\n", "\n\n"} {
		var out bytes.Buffer
		if err := testConverter(false).Convert(context.Background(), strings.NewReader(in), &out); err != nil {
			t.Fatal(err)
		}
		want := strings.Repeat("<13>1 2026-11-24T12:00:00Z - - - - -\n", strings.Count(in, "\n"))
		if out.String() != want {
			t.Errorf("Convert(%q) = %q, want %q", in, out.String(), want)
		}
	}
}

// TestConvertFlushesPipe checks that each line reaches the writer while the
// reader waits for more input, as when convert reads a pipe.
func TestConvertFlushesPipe(t *testing.T) {
	pr, pw := io.Pipe()
	or, ow := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- testConverter(false).Convert(context.Background(), pr, ow)
		ow.Close()
	}()
	out := bufio.NewReader(or)
	for i := range 3 {
		fmt.Fprintf(pw, "<13>Nov 24 03:41:0%d host app: line %d\n", i, i)
		line, err := out.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("<13>1 2026-11-24T03:41:0%dZ host app - - - line %d\n", i, i); line != want {
			t.Errorf("line %d = %q, want %q", i, line, want)
		}
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestConvertStrict(t *testing.T) {
	input := "<13>Nov 24 03:41:06 host app: ok\nnot syslog\n<13>1 2026-13-01T00:00:00Z - - - - -\nNov 24 03:41:06 host app: no PRI is fine\n"
	var (
		out      bytes.Buffer
		rejected []string
	)
	c := testConverter(true)
	c.Reject = func(line int, err error) { rejected = append(rejected, fmt.Sprintf("%d: %v", line, err)) }
	err := c.Convert(context.Background(), strings.NewReader(input), &out)
	if !errors.Is(err, ErrRejected) || err.Error() != "2 of 4 lines rejected" {
		t.Errorf("Convert error = %v, want 2 of 4 rejected", err)
	}
	want := []string{
		"2: not syslog: no PRI and no RFC 3164 timestamp",
		"3: rfc5424: column 12: expected 2-digit month 01-12",
	}
	if fmt.Sprint(rejected) != fmt.Sprint(want) {
		t.Errorf("rejected %q, want %q", rejected, want)
	}
	if got := strings.Count(out.String(), "\n"); got != 2 {
		t.Errorf("wrote %d lines, want 2:\n%s", got, out.String())
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		r.n++
		return copy(p, "<13>Nov 24 03:41:06 host app: one\n"), nil
	}
	return 0, errors.New("disk on fire")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("pipe closed") }

func TestConvertErrors(t *testing.T) {
	var out bytes.Buffer
	err := testConverter(false).Convert(context.Background(), &failingReader{}, &out)
	if err == nil || !strings.Contains(err.Error(), "read line 2: disk on fire") {
		t.Errorf("read error = %v, want it with the line number", err)
	}
	if !strings.HasPrefix(out.String(), "<13>1 2026-11-24T03:41:06Z host app - - - one\n") {
		t.Errorf("lines before the read error were not flushed: %q", out.String())
	}

	err = testConverter(false).Convert(context.Background(), strings.NewReader("x\n"), failingWriter{})
	if err == nil || !strings.Contains(err.Error(), "write: pipe closed") {
		t.Errorf("write error = %v, want it wrapped", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = testConverter(false).Convert(ctx, strings.NewReader("x\n"), &out)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Convert = %v, want context.Canceled", err)
	}
}

// TestConvertProperty converts lines assembled at random from the pieces
// real messages are made of, and checks the property of checkConversion
// on each: convert's output re-parses, strictly, to what was parsed.
func TestConvertProperty(t *testing.T) {
	pieces := [][]string{
		{"", "<13>", "<0>", "<191>", "<192>", "<013>", "<34>1 ", "<165>1 ", "<", "<>", "<13"},
		{"", "Nov 24 03:41:06 ", "Feb 29 10:00:00 ", "Mar  1 00:01:23.456: ", "*Mar 1 00:01:23.456 UTC: ", "123: ",
			"2026-11-24T03:41:06.123456+01:00 ", "2003-10-11T22:14:15.003Z ", "2026-11-24 03:41:06 ", "- ", "Tue Nov 24 03:41:06 2026 ",
			"2026 Nov 24 03:41:06 CET: ", "Aug 24 05:34:00 CST 1987 ", "date=2026-11-24 time=03:41:06 "},
		{"", "host ", "10.0.0.1 ", "2001:db8::1 ", "h\xc3\xa9st ", "U6,aa,v6: ", "fw01 : ", "- ", strings.Repeat("h", 300) + " "},
		{"", "sshd[123]: ", "su: ", "%SYS-5-CONFIG_I: ", "app[1] ", "a b[2]: ", "- - ", "app 42 ID47 ", "x[]: ", strings.Repeat("a", 60) + ": "},
		{"", "- ", `[x@1 a="b"] `, `[meta sequenceId="1"][y@2 q="\"\\\]"] `, "[bad ", "\xef\xbb\xbf"},
		{"", "hello world", "caf\xe9", "\xef\xbb\xbf\xff", "\x00\x7f\t", "été", "  spaced  ", "\r", `devname="FGT" tz="+0100"`},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var in bytes.Buffer
	for range 5000 {
		for _, choices := range pieces {
			in.WriteString(choices[rng.IntN(len(choices))])
		}
		in.WriteByte('\n')
	}
	var out bytes.Buffer
	if err := testConverter(false).Convert(context.Background(), bytes.NewReader(in.Bytes()), &out); err != nil {
		t.Fatal(err)
	}
	checkConversion(t, in.Bytes(), out.Bytes())
}
