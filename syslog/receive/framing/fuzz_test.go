package framing_test

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"testing"
	"testing/iotest"

	"github.com/aiosyslogd/aiosyslogd/syslog/receive/framing"
)

// Any stream, however hostile: Next ends, never panics, never returns an
// empty frame or one over the limit, never returns more bytes than it was
// given, and splits the same way however the bytes arrive.
func FuzzReader(f *testing.F) {
	for _, seed := range []string{
		"<13>one\n<13>two\r\n", "7 <13>one9 <13>three", "12abc\n", "99999999999 x\n",
		"20 <13>short", "\x00\x00\n\n", "1 x2 yy\n3", "5 ab\ncd<13>e\n", "0 \n-1 \n",
	} {
		f.Add([]byte(seed), uint16(0))
		f.Add([]byte(seed), uint16(4))
	}
	f.Fuzz(func(t *testing.T, in []byte, max uint16) {
		whole := frames(t, framing.NewReader(bytes.NewReader(in), int(max)), len(in), int(max))
		bytewise := frames(t, framing.NewReader(iotest.OneByteReader(bytes.NewReader(in)), int(max)), len(in), int(max))
		if !bytes.Equal(bytes.Join(whole, []byte{0xff}), bytes.Join(bytewise, []byte{0xff})) || len(whole) != len(bytewise) {
			t.Errorf("frames depend on how the bytes arrive:\n%q\n%q", whole, bytewise)
		}
	})
}

func frames(t *testing.T, r *framing.Reader, size, max int) [][]byte {
	if max == 0 {
		max = framing.DefaultMaxSize
	}
	var all [][]byte
	total := 0
	for range size + 2 { // each frame takes at least one byte
		f, err := r.Next()
		if len(f.Data) > max {
			t.Fatalf("frame of %d bytes over the limit %d", len(f.Data), max)
		}
		total += len(f.Data)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("error %v from a bytes.Reader", err)
			}
			if len(f.Data) > 0 {
				all = append(all, f.Data)
			}
			if total > size {
				t.Fatalf("%d bytes of frames from %d bytes", total, size)
			}
			return all
		}
		if len(f.Data) == 0 {
			t.Fatal("empty frame without an error")
		}
		all = append(all, f.Data)
	}
	t.Fatalf("no end after %d frames from %d bytes", size+2, size)
	return nil
}

// Messages sent with octet counting come back exactly, whatever they hold
// (LF, NUL, digits, spaces), as long as they fit the limit.
func FuzzOctetCountingRoundTrip(f *testing.F) {
	f.Add([]byte("<13>a\nb"), []byte("12 x"), []byte("\x00"))
	f.Add([]byte("9 9"), []byte(""), []byte("\r\n"))
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		var stream []byte
		var want [][]byte
		for _, m := range [][]byte{a, b, c} {
			if len(m) == 0 {
				continue
			}
			stream = strconv.AppendInt(stream, int64(len(m)), 10)
			stream = append(stream, ' ')
			stream = append(stream, m...)
			want = append(want, m)
		}
		got := frames(t, framing.NewReader(bytes.NewReader(stream), 0), len(stream), 0)
		if len(got) != len(want) {
			t.Fatalf("%d frames, want %d: %q", len(got), len(want), got)
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("frame %d = %q, want %q", i, got[i], want[i])
			}
		}
	})
}
