package syslog

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// benchMessages are typical messages of about 200 bytes, one per kind.
var benchMessages = []struct{ name, in string }{
	{"rfc5424", "<165>1 2026-11-24T03:41:06.123456+01:00 web01.example.com sshd 12345 AUTH - Accepted publickey for alice from 203.0.113.5 port 52144 ssh2: ED25519 SHA256:Xx2QTZ1Yq3lH5bM0kq4nYd8s0UeKc0H4rB3r1z9"},
	{"rfc5424-sd", `<165>1 2026-11-24T03:41:06.123Z esxi01.example.com Hostd 2099622 - [Originator@6876 sub="Vimsvc.TaskManager" opID="abc123" user="vpxuser"] Task Created : haTask-ha-root-pool-vim.ResourcePool.updateConfig-123`},
	{"rfc3164", "<38>Nov 24 03:41:06 web01 sshd[12345]: Accepted publickey for alice from 203.0.113.5 port 52144 ssh2: ED25519 SHA256:Xx2QTZ1Yq3lH5bM0kq4nYd8s0UeKc0H4rB3r1z9yZ6k Xx2QTZ1Yq3lH5bM0kq4nYd8s0UeKc0H4rB3r1z9yZ6k"},
	{"rfc3164-iso", "<30>2026-11-24T03:41:06.123456+01:00 web01 systemd[1]: Starting Daily apt upgrade and clean activities... Starting Daily apt upgrade and clean activities... Starting Daily apt upgrade and clean"},
	{"rfc3164-cisco", "<189>123: *Mar  1 00:01:23.456: %SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.1) Configured from console by vty0 (10.0.0.1) Configured from console by vty0 (10.0.0.1) Configured"},
	{"rfc3164-iosxr", "<149>2647599: vmx01 RP/0/RSP1/CPU0:Mar 28 15:08:30.941 UTC: bgp[1051]: %ROUTING-BGP-5-MAXPFX : No. of IPv4 Unicast prefixes received from 1.2.3.4 has reached 94106, max 125000, max 125000, max 125000"},
	{"rfc3164-relay", "<13>Feb  8 04:00:48 198.51.100.2 585917: Feb  8 04:00:47.272: %SEC-6-IPACCESSLOGRP: list 177 denied igmp 198.51.100.197 -> 224.0.0.22, 1 packet, list 177 denied igmp 198.51.100.197"},
	{"rfc3164-notag", "<14>Jun 24 10:32:02 win-host WinFileService Event: read, Path: /.DS_Store, File/Folder: File, Size: 6.00 KB, User: user@host, IP: 123.123.123.123, Path: /.DS_Store, File/Folder: File"},
	{"rfc3164-fortigate", `<189>date=2026-11-24 time=03:41:06 devname="FGT60F" devid="FGT60FTK20000000" eventtime=1764042066123456789 tz="+0100" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.0.0.5`},
	{"no-header", "<14>myapp: hello from python, with a message that is long enough to be typical of what applications log when they have something to say about a request they served"},
	{"not-syslog", "plain text that is not syslog at all, as a log file or a misconfigured device would send it, with a message that is long enough to be typical of what is sent to port 514"},
}

func BenchmarkParse(b *testing.B) {
	p := Parser{Location: time.UTC}
	for _, bm := range benchMessages {
		in := []byte(bm.in)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				p.Parse(in)
			}
		})
	}
}

func BenchmarkAppendRFC5424(b *testing.B) {
	p := Parser{Location: time.UTC}
	for _, bm := range benchMessages[:3] {
		m, _ := p.Parse([]byte(bm.in))
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 512)
			for b.Loop() {
				buf = m.AppendRFC5424(buf[:0])
			}
		})
	}
}

// BenchmarkConvert converts a stream that mixes the kinds of message and
// reports lines per second.
func BenchmarkConvert(b *testing.B) {
	var in strings.Builder
	for range 1000 {
		for _, bm := range benchMessages {
			in.WriteString(bm.in)
			in.WriteByte('\n')
		}
	}
	data := []byte(in.String())
	lines := 1000 * len(benchMessages)
	c := &Converter{Parser: Parser{Location: time.UTC, Year: 2026}}
	var out bytes.Buffer
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		out.Reset()
		if err := c.Convert(context.Background(), bytes.NewReader(data), &out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(0, "ns/op")
}
