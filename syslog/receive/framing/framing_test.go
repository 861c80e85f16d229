package framing_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/aiosyslogd/aiosyslogd/syslog/receive/framing"
)

// frame is a Frame as the tables write it.
type frame struct {
	data     string
	counted  bool // OctetCounting
	cut      bool
	fallback bool
}

func of(f framing.Frame) frame {
	return frame{string(f.Data), f.Framing == framing.OctetCounting, f.Cut, f.Fallback}
}

// readAll reads every frame until an error, which it returns.
func readAll(r *framing.Reader) ([]frame, error) {
	var got []frame
	for range 10000 { // bounded: no test stream has that many frames
		f, err := r.Next()
		if len(f.Data) > 0 {
			got = append(got, of(f))
		}
		if err != nil {
			return got, err
		}
	}
	return got, errors.New("no end after 10000 frames")
}

func lf(s string) frame      { return frame{data: s} }
func counted(s string) frame { return frame{data: s, counted: true} }

func TestReader(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		max   int
		want  []frame
		error error // the error that ends the stream; nil = io.EOF
	}{
		{name: "LF", in: "<13>one\n<13>two\n", want: []frame{lf("<13>one"), lf("<13>two")}},
		{name: "CR LF", in: "<13>one\r\n<13>two\r\n", want: []frame{lf("<13>one"), lf("<13>two")}},
		{name: "NUL", in: "<13>one\x00<13>two\x00", want: []frame{lf("<13>one"), lf("<13>two")}},
		{name: "a CR alone is content", in: "<13>a\rb\n", want: []frame{lf("<13>a\rb")}},
		{name: "CR before NUL is content", in: "<13>a\r\x00", want: []frame{lf("<13>a\r")}},
		{name: "empty lines skipped", in: "\n\n<13>x\n\r\n\x00\n", want: []frame{lf("<13>x")}},
		{name: "last frame without LF", in: "<13>one\n<13>last", want: []frame{lf("<13>one"), lf("<13>last")}},
		{name: "octet counting", in: "7 <13>one9 <13>three", want: []frame{counted("<13>one"), counted("<13>three")}},
		{name: "octet counting keeps LF inside", in: "11 <13>a\nb\r\nc\x00d", want: []frame{counted("<13>a\nb\r\nc\x00"), lf("d")}},
		{name: "octet counting with LF after each frame", in: "7 <13>one\n7 <13>two\n", want: []frame{counted("<13>one"), counted("<13>two")}},
		{name: "both framings on one stream", in: "<13>lf one\n11 <13>counted<13>lf two\n3 abc", want: []frame{
			lf("<13>lf one"), counted("<13>counted"), lf("<13>lf two"), counted("abc")}},
		{name: "partial octet-counted frame at EOF", in: "20 <13>short", want: []frame{{data: "<13>short", counted: true, cut: true}}},
		{name: "octet count without its message at EOF", in: "<13>x\n5 ", want: []frame{lf("<13>x")}},
		{name: "digits then EOF", in: "<13>x\n123", want: []frame{lf("<13>x"), {data: "123", fallback: true}}},
		{name: "no SP after the digits", in: "12abc\n<13>next\n", want: []frame{{data: "12abc", fallback: true}, lf("<13>next")}},
		{name: "digits then LF", in: "42\n<13>next\n", want: []frame{{data: "42", fallback: true}, lf("<13>next")}},
		{name: "zero length is not octet counting", in: "0 <13>x\n", want: []frame{lf("0 <13>x")}},
		{name: "leading zero is not octet counting", in: "07 <13>one\n", want: []frame{lf("07 <13>one")}},
		{name: "negative count", in: "-5 hello\n", want: []frame{lf("-5 hello")}},
		{name: "length over the limit", max: 10, in: "11 <13>eleven!\n<13>ok\n", want: []frame{
			{data: "11 <13>ele", fallback: true, cut: true}, lf("<13>ok")}},
		{name: "length over the limit, short message", max: 100, in: "99999 <13>x\n<13>ok\n", want: []frame{
			{data: "99999 <13>x", fallback: true}, lf("<13>ok")}},
		{name: "eleven digits", in: "12345678901 x\n", want: []frame{{data: "12345678901 x", fallback: true}}},
		{name: "length exactly the limit", max: 5, in: "5 abcde", want: []frame{counted("abcde")}},
		{name: "LF frame cut at the limit", max: 8, in: "<13>0123456789\n<13>ok\n", want: []frame{
			{data: "<13>0123", cut: true}, lf("<13>ok")}},
		{name: "LF frame of exactly the limit", max: 7, in: "<13>abc\n", want: []frame{lf("<13>abc")}},
		{name: "cut frame without LF at EOF", max: 4, in: "abcdefgh", want: []frame{{data: "abcd", cut: true}}},
		{name: "UTF-8 and binary kept", in: "<13>ü\xff\x01\n", want: []frame{lf("<13>ü\xff\x01")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time as well as all at once: frames must not
			// depend on how the bytes arrive.
			for _, rd := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				got, err := readAll(framing.NewReader(rd, tt.max))
				if !errors.Is(err, io.EOF) {
					t.Errorf("ended with %v, want io.EOF", err)
				}
				if !equal(got, tt.want) {
					t.Errorf("%T: frames\n%+v\nwant\n%+v", rd, got, tt.want)
				}
			}
		})
	}
}

func equal(a, b []frame) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A message far longer than the limit, without any LF, is cut to the limit
// as soon as the limit is reached, and memory stays bounded by the limit
// and the buffer: the rest is read and discarded.
func TestReaderCutsAHugeFrameWithoutHoldingIt(t *testing.T) {
	const max = 64 << 10
	huge := io.MultiReader(strings.NewReader("<13>"), &repeat{b: 'x', n: 10 << 20}, strings.NewReader("\n<13>after\n"))
	r := framing.NewReader(bufio.NewReaderSize(huge, 16<<10), max)
	f, err := r.Next()
	if err != nil || len(f.Data) != max || !f.Cut || cap(f.Data) > 2*max {
		t.Fatalf("first frame: %d bytes (cap %d), cut %v, err %v; want %d bytes, cut", len(f.Data), cap(f.Data), f.Cut, err, max)
	}
	f, err = r.Next()
	if err != nil || string(f.Data) != "<13>after" || f.Cut {
		t.Errorf("after the huge frame: %q cut %v err %v", f.Data, f.Cut, err)
	}
}

// repeat is n bytes b.
type repeat struct {
	b byte
	n int
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = r.b
	}
	r.n -= k
	return k, nil
}

// A read error inside a frame returns what was read, as cut, with the
// error; one at a frame boundary returns only the error.
func TestReaderReturnsThePartialFrameWithTheError(t *testing.T) {
	timeout := os.ErrDeadlineExceeded
	tests := []struct {
		in   string
		want frame
	}{
		{"<13>half a mess", frame{data: "<13>half a mess", cut: true}},
		{"30 <13>half", frame{data: "<13>half", counted: true, cut: true}},
		{"<13>whole\n", frame{data: "<13>whole"}},
	}
	for _, tt := range tests {
		r := framing.NewReader(io.MultiReader(strings.NewReader(tt.in), iotest.ErrReader(timeout)), 0)
		f, err := r.Next()
		if of(f) != tt.want {
			t.Errorf("%q: frame %+v, want %+v", tt.in, of(f), tt.want)
		}
		if tt.want.cut != (err != nil) {
			t.Errorf("%q: err %v", tt.in, err)
		}
		if !tt.want.cut {
			if _, err := r.Next(); !errors.Is(err, timeout) {
				t.Errorf("%q: then err %v, want the deadline", tt.in, err)
			}
		}
	}
}

// Frames are the caller's: the next read does not overwrite them.
func TestFramesAreNotReused(t *testing.T) {
	r := framing.NewReader(bufio.NewReaderSize(strings.NewReader("<13>first\n5 secon<13>third\n"), 16), 0)
	var frames [][]byte
	for {
		f, err := r.Next()
		if len(f.Data) > 0 {
			frames = append(frames, f.Data)
		}
		if err != nil {
			break
		}
	}
	if got := string(bytes.Join(frames, []byte("|"))); got != "<13>first|secon|<13>third" {
		t.Errorf("frames after reading on: %q", got)
	}
}

func BenchmarkReader(b *testing.B) {
	line := "<134>1 2026-11-24T03:41:06.000000Z web-1 nginx 1001 access - seq: 42 198.51.100.7 - - \"GET /api/v1/items/7 HTTP/1.1\" 200 512\n"
	for _, bc := range []struct{ name, frame string }{
		{"non-transparent", line},
		{"octet-counting", "110 " + line[:110]},
	} {
		b.Run(bc.name, func(b *testing.B) {
			stream := []byte(strings.Repeat(bc.frame, 1000))
			b.SetBytes(int64(len(bc.frame)))
			b.ReportAllocs()
			var r *framing.Reader
			src := bytes.NewReader(nil)
			for i := 0; i < b.N; i++ {
				if i%1000 == 0 {
					src.Reset(stream)
					r = framing.NewReader(bufio.NewReaderSize(src, 16<<10), 0)
				}
				if _, err := r.Next(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
