package receive

import (
	"bytes"
	"fmt"
	"testing"
)

// Every copy keeps its own bytes while later ones are made, whatever
// their sizes, and appending to a copy never writes into the next.
func TestSlabCopies(t *testing.T) {
	var s slab
	var copies, want [][]byte
	for i, size := range []int{0, 1, 200, slabSize / 4, slabSize/4 + 1, 200, slabSize - 1, 7, slabSize, 65507, 3} {
		p := bytes.Repeat([]byte{byte('a' + i%26)}, size)
		c := s.copy(p)
		if !bytes.Equal(c, p) || size <= slabSize/4 && cap(c) != len(c) {
			t.Fatalf("copy %d of %d bytes: len %d cap %d", i, size, len(c), cap(c))
		}
		copies, want = append(copies, c), append(want, bytes.Clone(p))
		if size > 0 {
			p[0] = 'Z' // the reader reuses its buffer
		}
	}
	_ = append(copies[2], "overflow"...) // appending reallocates, never writes into the slab
	for i := range copies {
		if !bytes.Equal(copies[i], want[i]) {
			t.Fatalf("copy %d changed: %.20q, want %.20q", i, copies[i], want[i])
		}
	}
}

// Copying a 200-byte datagram allocates once per chunk, not once per
// datagram (run without -race, which makes allocations of its own).
func TestSlabAllocs(t *testing.T) {
	var s slab
	p := []byte(fmt.Sprintf("%0200d", 0))
	got := testing.AllocsPerRun(10000, func() { s.copy(p) })
	if got > 0.01 { // one 64 KiB chunk per 327 datagrams: 0.003
		t.Fatalf("%.4f allocations per 200-byte datagram, want one per chunk", got)
	}
}
