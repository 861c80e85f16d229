package receive

import "bytes"

// slabSize is the size of the chunks datagrams are copied into: 64 KiB
// holds some 300 datagrams of 200 bytes.
const slabSize = 64 << 10

// slab copies datagrams out of the reader's buffers into shared chunks,
// one allocation per chunk rather than one per datagram. Each copy is
// capped at its length, so that nothing appended to it can reach its
// neighbours; a chunk is freed once none of its datagrams is referenced,
// and as the pipeline keeps messages in arrival order, at most the
// chunk being filled and the oldest one are partly dead. A datagram of
// more than a quarter of a chunk gets its own allocation, so that a few
// large ones do not keep chunks of small ones alive. The zero value is
// ready; a slab belongs to one reader.
type slab struct {
	buf []byte
}

// copy returns a copy of p that the caller may keep.
func (s *slab) copy(p []byte) []byte {
	if len(p) > slabSize/4 {
		return bytes.Clone(p)
	}
	if cap(s.buf)-len(s.buf) < len(p) {
		s.buf = make([]byte, 0, slabSize)
	}
	start := len(s.buf)
	s.buf = append(s.buf, p...)
	return s.buf[start:len(s.buf):len(s.buf)]
}
