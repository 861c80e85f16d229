package main

import "testing"

// Go's soft memory limit: without the spool, the queue's slots, queue_max_mb
// and 64 MiB; with it, the slots (at most 65,536), the half of queue_max_mb
// the messages may take, an eighth for their garbage and 16 MiB, so that
// the process stays under queue_max_mb + 64 MiB with SQLite's page cache
// and the program's text beside the Go heap.
func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name             string
		queueSize        int
		queueMaxMB       int
		spool, sqlite    bool
		want             int64
		underQueuePlus64 bool // the limit leaves room for SQLite's page cache and the text under queue_max_mb + 64 MiB
	}{
		{"defaults, spool on", 1 << 20, 256, true, true, 5*mib + 128*mib + 32*mib + 16*mib, true},
		{"spool off: the memory queue as before", 1 << 20, 256, false, true, 80*mib + 256*mib + 64*mib, false},
		{"spool on without SQLite is no spool", 1 << 20, 256, true, false, 80*mib + 256*mib + 64*mib, false},
		{"a small queue, spool on", 1000, 64, true, true, 1000*80 + 32*mib + 8*mib + 16*mib, true},
		{"a large limit, spool on", 1 << 20, 4096, true, true, 5*mib + 2048*mib + 512*mib + 16*mib, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig()
			cfg.Server.QueueSize, cfg.Server.QueueMaxMB = tc.queueSize, tc.queueMaxMB
			cfg.Spool.Enabled, cfg.SQLite.Enabled = tc.spool, tc.sqlite
			got := memoryLimit(&cfg)
			if got != tc.want {
				t.Errorf("memoryLimit = %d MiB (%d), want %d MiB (%d)", got/mib, got, tc.want/mib, tc.want)
			}
			if room := int64(tc.queueMaxMB)*mib + 64*mib - got; tc.underQueuePlus64 && room < 2*16*mib+24*mib {
				t.Errorf("memoryLimit %d MiB leaves %d MiB under queue_max_mb + 64 MiB, want room for SQLite's 16 MiB cache (twice that in memory) and the program's text", got/mib, room/mib)
			}
		})
	}
}
