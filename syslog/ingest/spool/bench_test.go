package spool

import (
	"fmt"
	"net/netip"
	"testing"
)

// BenchmarkAppendRead appends 200-byte messages in batches of 1024 and
// reads them back: the spool's cost per message, beside the parser's
// (syslog's BenchmarkParse).
func BenchmarkAppendRead(b *testing.B) {
	s, _, err := Open(Options{Dir: b.TempDir(), Logger: discard})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := s.Reader()
	defer r.Close()
	const batch = 1024
	recs := make([]Record, batch)
	for i := range recs {
		data := fmt.Appendf(nil, "<13>Dec  3 09:00:00 host app[123]: message %06d ", i)
		for len(data) < 200 {
			data = append(data, 'x')
		}
		recs[i] = Record{At: int64(i), From: netip.MustParseAddrPort("192.0.2.1:514"), Transport: "udp", Data: data}
	}
	ends := make([]Pos, batch)
	b.SetBytes(200)
	b.ResetTimer()
	var n int64
	for i := 0; i < b.N; i += batch {
		if err := s.Append(recs, ends); err != nil {
			b.Fatal(err)
		}
		for {
			_, _, ok, err := r.Next()
			if err != nil {
				b.Fatal(err)
			}
			if !ok {
				break
			}
			n++
		}
		if err := s.Ack(ends[batch-1], batch, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/msg")
}
