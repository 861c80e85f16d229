package syslog

import (
	"testing"
	"time"
)

// rfc3164Tests are lines as real senders send them, each with the Message
// the parser must make of it. Times are read in UTC as of testNow
// (2026-11-24 12:00 UTC).
var rfc3164Tests = []struct {
	name, in string
	want     fields
}{
	// RFC 3164 §5.4.
	{"RFC 3164 5.4 example 1",
		"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
		fields{Pri: 34, Time: "2026-10-11T22:14:15Z", Host: "mymachine", App: "su", Text: "'su root' failed for lonvick on /dev/pts/8"}},
	{"RFC 3164 5.4 example 2 as relayed",
		"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
		fields{Pri: 13, Time: "2026-02-05T17:32:18Z", Host: "10.0.0.99", Text: "Use the BFG!"}},
	{"RFC 3164 5.4 example 3: zone and year after the time",
		"<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jumbo=OK, Pasteur=OK, Pudding=OK...",
		fields{Pri: 165, Time: "1987-08-24T05:34:00Z", Host: "mymachine", App: "myproc", PID: "10",
			Text: "%% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jumbo=OK, Pasteur=OK, Pudding=OK..."}},
	{"RFC 3164 5.4 example 4: year first, TZ-6",
		"<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
		fields{Pri: 0, Time: "1990-10-22T16:52:01Z", Host: "scapegoat.dmz.example.org", Text: "10.1.2.3 sched[0]: That's All Folks!"}},

	// Linux.
	{"sshd",
		"<38>Nov 24 03:41:06 web01 sshd[12345]: Accepted publickey for alice from 203.0.113.5 port 52144 ssh2: ED25519 SHA256:Xx2QTZ1Yq3lH5bM0kq4nYd8s0UeKc0H4rB3r1z9yZ6k",
		fields{Pri: 38, Time: "2026-11-24T03:41:06Z", Host: "web01", App: "sshd", PID: "12345",
			Text: "Accepted publickey for alice from 203.0.113.5 port 52144 ssh2: ED25519 SHA256:Xx2QTZ1Yq3lH5bM0kq4nYd8s0UeKc0H4rB3r1z9yZ6k"}},
	{"sudo: spaces after the colon are text",
		"<85>Nov 24 03:41:06 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update",
		fields{Pri: 85, Time: "2026-11-24T03:41:06Z", Host: "web01", App: "sudo", Text: "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update"}},
	{"systemd",
		"<30>Nov 24 03:41:06 web01 systemd[1]: Started session-42.scope - Session 42 of User alice.",
		fields{Pri: 30, Time: "2026-11-24T03:41:06Z", Host: "web01", App: "systemd", PID: "1", Text: "Started session-42.scope - Session 42 of User alice."}},
	{"kernel UFW",
		"<4>Nov 24 03:41:06 web01 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.7 DST=203.0.113.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=23 WINDOW=64240 RES=0x00 SYN URGP=0",
		fields{Pri: 4, Time: "2026-11-24T03:41:06Z", Host: "web01", App: "kernel",
			Text: "[12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.7 DST=203.0.113.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=23 WINDOW=64240 RES=0x00 SYN URGP=0"}},
	{"CRON",
		"<78>Nov 24 03:41:01 web01 CRON[2345]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
		fields{Pri: 78, Time: "2026-11-24T03:41:01Z", Host: "web01", App: "CRON", PID: "2345", Text: "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)"}},
	{"postfix smtpd",
		"<22>Nov 24 03:41:06 mail postfix/smtpd[1234]: connect from unknown[198.51.100.7]",
		fields{Pri: 22, Time: "2026-11-24T03:41:06Z", Host: "mail", App: "postfix/smtpd", PID: "1234", Text: "connect from unknown[198.51.100.7]"}},
	{"postfix qmgr",
		"<22>Nov 24 03:41:06 mail postfix/qmgr[987]: 4F2A61C0A2B: from=<alice@example.com>, size=1234, nrcpt=1 (queue active)",
		fields{Pri: 22, Time: "2026-11-24T03:41:06Z", Host: "mail", App: "postfix/qmgr", PID: "987", Text: "4F2A61C0A2B: from=<alice@example.com>, size=1234, nrcpt=1 (queue active)"}},
	{"postgres",
		"<133>Nov 24 03:41:06 db01 postgres[4321]: [3-1] 2026-11-24 03:41:06.123 UTC [4321] LOG:  checkpoint starting: time",
		fields{Pri: 133, Time: "2026-11-24T03:41:06Z", Host: "db01", App: "postgres", PID: "4321", Text: "[3-1] 2026-11-24 03:41:06.123 UTC [4321] LOG:  checkpoint starting: time"}},
	{"rsyslog ForwardFormat: RFC 3339 in a BSD line",
		"<30>2026-11-24T03:41:06.123456+01:00 web01 systemd[1]: Starting Daily apt upgrade and clean activities...",
		fields{Pri: 30, Time: "2026-11-24T02:41:06.123456Z", Host: "web01", App: "systemd", PID: "1", Text: "Starting Daily apt upgrade and clean activities..."}},
	{"ISO date with a space and no zone",
		"<13>2026-11-24 03:41:06 web01 backup.sh: done in 42s",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "web01", App: "backup.sh", Text: "done in 42s"}},
	{"ISO timestamp with a +hhmm offset and nanoseconds",
		"<13>2026-11-24T03:41:06.123456789-0500 web01 app: x",
		fields{Pri: 13, Time: "2026-11-24T08:41:06.123456789Z", Host: "web01", App: "app", Text: "x"}},
	{"OpenWrt netifd",
		"<30>Nov 24 03:41:06 OpenWrt netifd: Interface 'wan' is now up",
		fields{Pri: 30, Time: "2026-11-24T03:41:06Z", Host: "OpenWrt", App: "netifd", Text: "Interface 'wan' is now up"}},
	{"Docker syslog driver",
		"<30>Nov 24 03:41:06 docker01 docker/3f4e5d6c7b8a[1234]: GET /healthz 200",
		fields{Pri: 30, Time: "2026-11-24T03:41:06Z", Host: "docker01", App: "docker/3f4e5d6c7b8a", PID: "1234", Text: "GET /healthz 200"}},
	{"HAProxy without hostname",
		`<134>Nov 24 03:41:06 haproxy[1234]: 198.51.100.7:51234 [24/Nov/2026:03:41:06.123] fe_https~ be_web/web01 0/0/1/2/3 200 1234 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"`,
		fields{Pri: 134, Time: "2026-11-24T03:41:06Z", App: "haproxy", PID: "1234",
			Text: `198.51.100.7:51234 [24/Nov/2026:03:41:06.123] fe_https~ be_web/web01 0/0/1/2/3 200 1234 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"`}},
	{"nginx",
		`<190>Nov 24 03:41:06 web01 nginx: 198.51.100.7 - - [24/Nov/2026:03:41:06 +0000] "GET /index.html HTTP/1.1" 200 612 "-" "curl/8.5.0"`,
		fields{Pri: 190, Time: "2026-11-24T03:41:06Z", Host: "web01", App: "nginx",
			Text: `198.51.100.7 - - [24/Nov/2026:03:41:06 +0000] "GET /index.html HTTP/1.1" 200 612 "-" "curl/8.5.0"`}},

	// Cisco.
	{"Cisco IOS: sequence number and unsynchronised clock",
		"<189>123: *Mar  1 00:01:23.456: %SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0.1)",
		fields{Pri: 189, Time: "2026-03-01T00:01:23.456Z", SD: `[meta sequenceId="123"]`, App: "%SYS-5-CONFIG_I", Text: "Configured from console by vty0 (10.0.0.1)"}},
	{"Cisco IOS: padded sequence number, lost sync, UTC",
		"<187>000045: .Nov 24 03:41:06.789 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down",
		fields{Pri: 187, Time: "2026-11-24T03:41:06.789Z", SD: `[meta sequenceId="45"]`, App: "%LINK-3-UPDOWN", Text: "Interface GigabitEthernet0/1, changed state to down"}},
	{"Cisco IOS: origin-id hostname, year, local zone name",
		"<189>46: router1: Nov 24 2026 03:41:06.123 CET: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 10.0.0.5] [localport: 22] at 03:41:06 CET Tue Nov 24 2026",
		fields{Pri: 189, Time: "2026-11-24T03:41:06.123Z", Host: "router1", SD: `[meta sequenceId="46"]`, App: "%SEC_LOGIN-5-LOGIN_SUCCESS",
			Text: "Login Success [user: admin] [Source: 10.0.0.5] [localport: 22] at 03:41:06 CET Tue Nov 24 2026"}},
	{"Cisco IOS without timestamps",
		"<189>%SYS-5-RESTART: System restarted --",
		fields{Pri: 189, App: "%SYS-5-RESTART", Text: "System restarted --"}},
	{"Cisco NX-OS",
		"<189>: 2026 Nov 24 03:41:06 UTC: %ETHPORT-5-IF_UP: Interface Ethernet1/1 is up in mode access",
		fields{Pri: 189, Time: "2026-11-24T03:41:06Z", App: "%ETHPORT-5-IF_UP", Text: "Interface Ethernet1/1 is up in mode access"}},
	{"Cisco ASA with timestamp",
		"<166>Nov 24 2026 03:41:06: %ASA-6-302013: Built inbound TCP connection 123456 for outside:198.51.100.7/51234 (198.51.100.7/51234) to inside:10.0.0.5/443 (203.0.113.10/443)",
		fields{Pri: 166, Time: "2026-11-24T03:41:06Z", App: "%ASA-6-302013",
			Text: "Built inbound TCP connection 123456 for outside:198.51.100.7/51234 (198.51.100.7/51234) to inside:10.0.0.5/443 (203.0.113.10/443)"}},
	{"Cisco ASA with device-id hostname",
		"<166>Nov 24 2026 03:41:06 fw01 : %ASA-6-106015: Deny TCP (no connection) from 10.0.0.5/443 to 198.51.100.7/51234 flags RST  on interface inside",
		fields{Pri: 166, Time: "2026-11-24T03:41:06Z", Host: "fw01", App: "%ASA-6-106015",
			Text: "Deny TCP (no connection) from 10.0.0.5/443 to 198.51.100.7/51234 flags RST  on interface inside"}},
	{"Cisco ASA without timestamp",
		`<164>%ASA-4-106023: Deny tcp src outside:198.51.100.7/51234 dst inside:10.0.0.5/22 by access-group "outside_in" [0x0, 0x0]`,
		fields{Pri: 164, App: "%ASA-4-106023", Text: `Deny tcp src outside:198.51.100.7/51234 dst inside:10.0.0.5/22 by access-group "outside_in" [0x0, 0x0]`}},

	// Firewalls and appliances.
	{"FortiGate key=value",
		`<189>date=2026-11-24 time=03:41:06 devname="FGT60F" devid="FGT60FTK20000000" eventtime=1764042066123456789 tz="+0100" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.0.0.5 srcport=51234 dstip=203.0.113.10 dstport=443 action="accept" service="HTTPS"`,
		fields{Pri: 189, Time: "2026-11-24T02:41:06Z", Host: "FGT60F",
			Text: `date=2026-11-24 time=03:41:06 devname="FGT60F" devid="FGT60FTK20000000" eventtime=1764042066123456789 tz="+0100" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.0.0.5 srcport=51234 dstip=203.0.113.10 dstport=443 action="accept" service="HTTPS"`}},
	{"pfSense filterlog (BSD, no hostname)",
		"<134>Nov 24 03:41:06 filterlog[12345]: 5,,,1000000103,igb1,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.10,51234,22,0,S,123456789,,64240,,mss;sackOK;TS;nop;wscale",
		fields{Pri: 134, Time: "2026-11-24T03:41:06Z", App: "filterlog", PID: "12345",
			Text: "5,,,1000000103,igb1,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.10,51234,22,0,S,123456789,,64240,,mss;sackOK;TS;nop;wscale"}},
	{"Juniper SRX",
		"<14>Nov 24 03:41:06 srx01 RT_FLOW: RT_FLOW_SESSION_CREATE: session created 10.0.0.5/51234->203.0.113.10/443 junos-https",
		fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "srx01", App: "RT_FLOW", Text: "RT_FLOW_SESSION_CREATE: session created 10.0.0.5/51234->203.0.113.10/443 junos-https"}},
	{"Palo Alto CSV",
		"<14>Nov 24 03:41:06 PA-VM 1,2026/11/24 03:41:06,012345678901,TRAFFIC,end,2561,2026/11/24 03:41:06,10.0.0.5,203.0.113.10",
		fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "PA-VM", Text: "1,2026/11/24 03:41:06,012345678901,TRAFFIC,end,2561,2026/11/24 03:41:06,10.0.0.5,203.0.113.10"}},
	{"SonicWall key=value without header",
		`<134>id=firewall sn=0017C5123456 time="2026-11-24 03:41:06 UTC" fw=203.0.113.1 pri=6 c=1024 m=537 msg="Connection Closed"`,
		fields{Pri: 134, Text: `id=firewall sn=0017C5123456 time="2026-11-24 03:41:06 UTC" fw=203.0.113.1 pri=6 c=1024 m=537 msg="Connection Closed"`}},
	{"Sophos UTM's own timestamp is left in the text",
		`<30>2026:11:24-03:41:06 utm01 ulogd[1234]: id="2001" severity="info" sys="SecureNet" sub="packetfilter" name="Packet dropped"`,
		fields{Pri: 30, Text: `2026:11:24-03:41:06 utm01 ulogd[1234]: id="2001" severity="info" sys="SecureNet" sub="packetfilter" name="Packet dropped"`}},
	{"HP ProCurve",
		"<14>Nov 24 03:41:06 10.0.0.2 00076 ports: port 1 is now on-line",
		fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "10.0.0.2", Text: "00076 ports: port 1 is now on-line"}},
	{"MikroTik with hostname",
		"<30>Nov 24 03:41:06 MikroTik system,info,account user admin logged in from 10.0.0.2 via winbox",
		fields{Pri: 30, Time: "2026-11-24T03:41:06Z", Host: "MikroTik", Text: "system,info,account user admin logged in from 10.0.0.2 via winbox"}},
	{"MikroTik without header",
		"<134>firewall,info input: in:ether1 out:(unknown 0), src-mac 52:54:00:12:34:56, proto TCP (SYN), 198.51.100.7:51234->203.0.113.10:22, len 60",
		fields{Pri: 134, Text: "firewall,info input: in:ether1 out:(unknown 0), src-mac 52:54:00:12:34:56, proto TCP (SYN), 198.51.100.7:51234->203.0.113.10:22, len 60"}},
	{"UniFi access point",
		"<30>Nov 24 03:41:06 U6-Lite-Office,784558abcdef,v6.6.55.15189: hostapd: ath1: STA aa:bb:cc:dd:ee:ff IEEE 802.11: associated",
		fields{Pri: 30, Time: "2026-11-24T03:41:06Z", Host: "U6-Lite-Office,784558abcdef,v6.6.55.15189", App: "hostapd", Text: "ath1: STA aa:bb:cc:dd:ee:ff IEEE 802.11: associated"}},
	{"dnsmasq without hostname",
		"<30>Nov 24 03:41:06 dnsmasq[456]: query[A] example.com from 192.168.1.10",
		fields{Pri: 30, Time: "2026-11-24T03:41:06Z", App: "dnsmasq", PID: "456", Text: "query[A] example.com from 192.168.1.10"}},
	{"dnsmasq-dhcp with hostname",
		"<30>Nov 24 03:41:06 OpenWrt dnsmasq-dhcp[456]: DHCPACK(br-lan) 192.168.1.10 aa:bb:cc:dd:ee:ff laptop",
		fields{Pri: 30, Time: "2026-11-24T03:41:06Z", Host: "OpenWrt", App: "dnsmasq-dhcp", PID: "456", Text: "DHCPACK(br-lan) 192.168.1.10 aa:bb:cc:dd:ee:ff laptop"}},
	{"Synology DSM",
		"<14>Nov 24 03:41:06 DiskStation Connection: User [admin] from [10.0.0.5] logged in successfully via [DSM].",
		fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "DiskStation", App: "Connection", Text: "User [admin] from [10.0.0.5] logged in successfully via [DSM]."}},

	// Hypervisors, macOS, Windows, Samba.
	{"ESXi hostd",
		"<166>2026-11-24T03:41:06.123Z esxi01.example.com Hostd: info hostd[2099622] [Originator@6876 sub=Vimsvc.TaskManager opID=abc123 user=vpxuser] Task Created : haTask-ha-root-pool-vim.ResourcePool.updateConfig-123",
		fields{Pri: 166, Time: "2026-11-24T03:41:06.123Z", Host: "esxi01.example.com", App: "Hostd",
			Text: "info hostd[2099622] [Originator@6876 sub=Vimsvc.TaskManager opID=abc123 user=vpxuser] Task Created : haTask-ha-root-pool-vim.ResourcePool.updateConfig-123"}},
	{"ESXi vmkernel",
		`<14>2026-11-24T03:41:06.456Z esxi01 vmkernel: cpu3:2097580)ScsiDeviceIO: 4325: Cmd(0x45b8c1e2a3c0) 0x89, CmdSN 0x1234 from world 2097580 to dev "naa.600508b1001c" failed H:0x0 D:0x2 P:0x0`,
		fields{Pri: 14, Time: "2026-11-24T03:41:06.456Z", Host: "esxi01", App: "vmkernel",
			Text: `cpu3:2097580)ScsiDeviceIO: 4325: Cmd(0x45b8c1e2a3c0) 0x89, CmdSN 0x1234 from world 2097580 to dev "naa.600508b1001c" failed H:0x0 D:0x2 P:0x0`}},
	{"macOS launchd: TAG[PID] without colon",
		"<5>Nov 24 03:41:06 MacBook-Pro com.apple.xpc.launchd[1] (com.apple.mdworker.shared.0B000000-0000-0000-0000-000000000000[12345]): Service exited due to SIGKILL | sent by mds[99]",
		fields{Pri: 5, Time: "2026-11-24T03:41:06Z", Host: "MacBook-Pro", App: "com.apple.xpc.launchd", PID: "1",
			Text: "(com.apple.mdworker.shared.0B000000-0000-0000-0000-000000000000[12345]): Service exited due to SIGKILL | sent by mds[99]"}},
	{"macOS: a process name with spaces stays in the text",
		"<13>Nov 24 03:41:06 MacBook-Pro.local Google Chrome Helper[4321]: Check failed: false.",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "MacBook-Pro.local", Text: "Google Chrome Helper[4321]: Check failed: false."}},
	{"Samba smbd",
		"<29>Nov 24 03:41:06 fileserver smbd[1234]: [2026/11/24 03:41:06.123456,  0] ../../source3/smbd/server.c:1234(main)",
		fields{Pri: 29, Time: "2026-11-24T03:41:06Z", Host: "fileserver", App: "smbd", PID: "1234", Text: "[2026/11/24 03:41:06.123456,  0] ../../source3/smbd/server.c:1234(main)"}},
	{"Samba auth audit",
		`<38>Nov 24 03:41:06 dc01 samba[5678]: Auth: [SMB2,(null)] user [CORP]\[alice] at [Tue, 24 Nov 2026 03:41:06.123456 UTC] with [NTLMv2] status [NT_STATUS_OK]`,
		fields{Pri: 38, Time: "2026-11-24T03:41:06Z", Host: "dc01", App: "samba", PID: "5678",
			Text: `Auth: [SMB2,(null)] user [CORP]\[alice] at [Tue, 24 Nov 2026 03:41:06.123456 UTC] with [NTLMv2] status [NT_STATUS_OK]`}},
	{"Snare for Windows (tab-separated)",
		"<14>Nov 24 03:41:06 WIN-DC01 MSWinEventLog\t1\tSecurity\t123456\tTue Nov 24 03:41:06 2026\t4624\tMicrosoft-Windows-Security-Auditing\tCORP\\alice\tN/A\tSuccess Audit\tWIN-DC01\tLogon\t\tAn account was successfully logged on.\t98765",
		fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "WIN-DC01",
			Text: "MSWinEventLog\t1\tSecurity\t123456\tTue Nov 24 03:41:06 2026\t4624\tMicrosoft-Windows-Security-Auditing\tCORP\\alice\tN/A\tSuccess Audit\tWIN-DC01\tLogon\t\tAn account was successfully logged on.\t98765"}},
	{"NXLog BSD output from Windows",
		"<14>Nov 24 03:41:06 WIN-DC01.corp.example.com Microsoft-Windows-Security-Auditing[612]: An account was successfully logged on.",
		fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "WIN-DC01.corp.example.com", App: "Microsoft-Windows-Security-Auditing", PID: "612", Text: "An account was successfully logged on."}},
	{"Kiwi SyslogGen",
		"<14>Jul 10 12:00:00 192.168.1.1 SyslogGen MESSAGE TEXT",
		fields{Pri: 14, Time: "2026-07-10T12:00:00Z", Host: "192.168.1.1", Text: "SyslogGen MESSAGE TEXT"}},

	// Timestamp and header variants.
	{"single-digit day after one space, FQDN host",
		"<13>Nov 4 03:41:06 host.example.com app: one space",
		fields{Pri: 13, Time: "2026-11-04T03:41:06Z", Host: "host.example.com", App: "app", Text: "one space"}},
	{"zero-padded day",
		"<13>Nov 04 03:41:06 host app: zero",
		fields{Pri: 13, Time: "2026-11-04T03:41:06Z", Host: "host", App: "app", Text: "zero"}},
	{"year before the time",
		"<13>Nov 24 2025 03:41:06 host app: with year",
		fields{Pri: 13, Time: "2025-11-24T03:41:06Z", Host: "host", App: "app", Text: "with year"}},
	{"fractional seconds",
		"<13>Nov 24 03:41:06.123456 host app: fraction",
		fields{Pri: 13, Time: "2026-11-24T03:41:06.123456Z", Host: "host", App: "app", Text: "fraction"}},
	{"ctime with weekday and year after the time",
		"<13>Tue Nov 24 03:41:06 2026 host app: ctime",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", Text: "ctime"}},
	{"upper-case month",
		"<13>NOV 24 03:41:06 host app: loud",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", Text: "loud"}},
	{"IPv6 host",
		"<13>Nov 24 03:41:06 2001:db8::1 app[1]: from v6",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "2001:db8::1", App: "app", PID: "1", Text: "from v6"}},
	{"two spaces before the host",
		"<13>Nov 24 03:41:06  host app: spaced",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", Text: "spaced"}},
	{"TAG and PID, nothing else",
		"<13>Nov 24 03:41:06 host app[7]:",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", PID: "7"}},
	{"one word after the timestamp is the message",
		"<13>Nov 24 03:41:06 rebooting",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Text: "rebooting"}},
	{"timestamp only",
		"<13>Nov 24 03:41:06",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z"}},
	{"no hostname-like token: text",
		"<13>Nov 24 03:41:06 [UFW BLOCK] IN=eth0",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Text: "[UFW BLOCK] IN=eth0"}},
	{"Python SysLogHandler: no header, TAG left in text",
		"<14>myapp: hello from python",
		fields{Pri: 14, Text: "myapp: hello from python"}},
	{"PRI and text only", "<13>hello world", fields{Pri: 13, Text: "hello world"}},
	{"PRI only", "<13>", fields{Pri: 13}},
	{"PRI with leading zero is tolerated", "<013>Nov 24 03:41:06 host app: x",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", Text: "x"}},
	{"day that does not exist: no header", "<13>Nov 31 03:41:06 host app: x",
		fields{Pri: 13, Text: "Nov 31 03:41:06 host app: x"}},
	{"hour out of range: no header", "<13>Nov 24 24:41:06 host app: x",
		fields{Pri: 13, Text: "Nov 24 24:41:06 host app: x"}},
	{"unknown month: no header", "<13>Foo 24 03:41:06 host app: x",
		fields{Pri: 13, Text: "Foo 24 03:41:06 host app: x"}},
	{"timestamp glued to text: no header", "<13>Nov 24 03:41:06x host app: x",
		fields{Pri: 13, Text: "Nov 24 03:41:06x host app: x"}},
	{"Cisco sequence number without timestamp stays text", "<189>123: %SYS-5-CONFIG_I: x",
		fields{Pri: 189, Text: "123: %SYS-5-CONFIG_I: x"}},
	{"Cisco sequence number 0 stays text", "<189>0: *Mar  1 00:01:23.456: %SYS-5-CONFIG_I: x",
		fields{Pri: 189, Text: "0: *Mar  1 00:01:23.456: %SYS-5-CONFIG_I: x"}},
	{"TAG longer than 48 bytes stays text",
		"<13>Nov 24 03:41:06 host aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: x",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", Text: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: x"}},
	{"invalid UTF-8 is kept", "<13>Nov 24 03:41:06 host app: caf\xe9 \xff",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", Text: "caf\xe9 \xff"}},
	{"NUL bytes are kept", "<13>Nov 24 03:41:06 host app: a\x00b",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", Text: "a\x00b"}},
}

func TestParseRFC3164(t *testing.T) {
	if len(rfc3164Tests) < 40 {
		t.Errorf("only %d RFC 3164 formats are covered, want at least 40", len(rfc3164Tests))
	}
	for _, tt := range rfc3164Tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want.SD == "" {
				want.SD = "-"
			}
			m, err := testParser.Parse([]byte(tt.in))
			if err != nil {
				t.Errorf("Parse(%q): %v", tt.in, err)
			}
			if got := flatten(m); got != want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.in, got, want)
			}
		})
	}
}

func TestParseRFC3164Year(t *testing.T) {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	tests := []struct {
		name, now, in string
		year          int
		want          string
	}{
		{"same day", "2026-11-24T12:00:00Z", "Nov 24 03:41:06", 0, "2026-11-24T03:41:06Z"},
		{"Dec 31 arriving on Jan 1", "2027-01-01T00:00:30Z", "Dec 31 23:59:58", 0, "2026-12-31T23:59:58Z"},
		{"up to a day ahead is this year", "2026-11-24T12:00:00Z", "Nov 25 11:59:59", 0, "2026-11-25T11:59:59Z"},
		{"more than a day ahead is last year", "2026-11-24T12:00:00Z", "Nov 25 12:00:01", 0, "2025-11-25T12:00:01Z"},
		{"Jan 1 arriving on Dec 31 (sender's clock ahead)", "2026-12-31T23:59:00Z", "Jan  1 00:00:30", 0, "2026-01-01T00:00:30Z"},
		{"Feb 29 goes to the last leap year", "2026-11-24T12:00:00Z", "Feb 29 10:00:00", 0, "2024-02-29T10:00:00Z"},
		{"Feb 29 in a leap year", "2028-03-01T00:00:00Z", "Feb 29 10:00:00", 0, "2028-02-29T10:00:00Z"},
		{"fixed year", "2026-11-24T12:00:00Z", "Dec 31 23:59:58", 2019, "2019-12-31T23:59:58Z"},
		{"fixed year does not make Feb 29", "2026-11-24T12:00:00Z", "Feb 29 10:00:00", 2023, ""},
		{"explicit year wins over fixed year", "2026-11-24T12:00:00Z", "Dec 31 2020 23:59:58", 2019, "2020-12-31T23:59:58Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := at(tt.now)
			p := Parser{Location: time.UTC, Now: func() time.Time { return now }, Year: tt.year}
			m, err := p.Parse([]byte("<13>" + tt.in + " host app: x"))
			if err != nil {
				t.Fatal(err)
			}
			if got := flatten(m).Time; got != tt.want {
				t.Errorf("at %s, %q parsed as %q, want %q", tt.now, tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRFC3164Location(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err) // the zone database is embedded by the test binary
	}
	p := Parser{Location: berlin, Now: func() time.Time { return testNow }}
	tests := []struct{ in, want string }{
		{"<13>Nov 24 03:41:06 host app: winter", "2026-11-24T02:41:06Z"},
		{"<13>Jul 24 03:41:06 host app: summer", "2026-07-24T01:41:06Z"},
		{"<13>2026-07-24T03:41:06 host app: ISO without zone", "2026-07-24T01:41:06Z"},
		{"<13>2026-07-24T03:41:06Z host app: ISO with zone", "2026-07-24T03:41:06Z"},
		{"<189>1: *Jul 24 03:41:06.000 UTC: %X-1-Y: UTC named", "2026-07-24T03:41:06Z"},
		{"<189>1: *Jul 24 03:41:06.000 CEST: %X-1-Y: other zone names are ignored", "2026-07-24T01:41:06Z"},
	}
	for _, tt := range tests {
		m, err := p.Parse([]byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := flatten(m).Time; got != tt.want || m.Timestamp.Location() != time.UTC {
			t.Errorf("Parse(%q).Timestamp = %v, want %s in UTC", tt.in, m.Timestamp, tt.want)
		}
	}
}

func TestParseRFC3164Months(t *testing.T) {
	for i, name := range []string{"Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"} {
		for _, day := range []string{"Mon", "tue", "Wed", "Thu", "Fri", "Sat", "SUN", ""} {
			in := "<13>" + day + " " + name + "  1 10:00:00 host app: x"
			if day == "" {
				in = "<13>" + name + "  1 10:00:00 host app: x"
			}
			m, err := testParser.Parse([]byte(in))
			if err != nil || m.Timestamp.Month() != time.Month(i+1) || m.Hostname != "host" {
				t.Errorf("Parse(%q) = %v, %v; want month %d", in, m.Timestamp, err, i+1)
			}
		}
	}
	for _, in := range []string{"<13>Xyz  1 10:00:00 host app: x", "<13>Mon Xyz  1 10:00:00 host app: x", "<13>N0v  1 10:00:00 h a: x"} {
		if m, _ := testParser.Parse([]byte(in)); !m.Timestamp.IsZero() || m.Text != in[4:] {
			t.Errorf("Parse(%q) = %+v, want no header", in, flatten(m))
		}
	}
}

func TestParseRFC3164FortiGate(t *testing.T) {
	tests := []struct{ in, time, host string }{
		{`<189>date=2026-11-24 time=03:41:06 devname=FGT60F tz="-0500" x=1`, "2026-11-24T08:41:06Z", "FGT60F"},
		{`<189>date=2026-11-24 time=03:41:06 devname=FGT60F`, "2026-11-24T03:41:06Z", "FGT60F"},
		{`<189>date=2026-11-24 time=03:41:06 devname="FGT60F`, "2026-11-24T03:41:06Z", ""},
		{`<189>date=2026-11-24 time=03:41:06 tz="+01" x=1`, "2026-11-24T03:41:06Z", ""},
		{`<189>date=2026-02-30 time=03:41:06 devname=x`, "", ""},
		{`<189>date=2026-11-24 time=3:41:06 devname=x`, "", ""},
		{`<189>date=2026-11-24`, "", ""},
	}
	for _, tt := range tests {
		m, err := testParser.Parse([]byte(tt.in))
		if f := flatten(m); err != nil || f.Time != tt.time || f.Host != tt.host || f.Text != tt.in[5:] {
			t.Errorf("Parse(%q) = %+v, %v; want time %q host %q and the whole text", tt.in, f, err, tt.time, tt.host)
		}
	}
}

func TestParseRFC3164ISOOffsets(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<13>2026-11-24T03:41:06+01 h a: x", "2026-11-24T02:41:06Z"},
		{"<13>2026-11-24T03:41:06-0130 h a: x", "2026-11-24T05:11:06Z"},
		{"<13>2026-11-24T03:41:06,5Z h a: x", "2026-11-24T03:41:06.5Z"},
		{"<13>2026-11-24T03:41:06+25:00 h a: x", ""},
		{"<13>2026-11-24T03:41:06+1 h a: x", ""},
		{"<13>2026-11-24T03:41:06+01:6 h a: x", ""},
		{"<13>2026-11-24x03:41:06Z h a: x", ""},
		{"<13>2026-11-24T03:41 h a: x", ""},
		{"<13>2026-11-24T03:41:06", "2026-11-24T03:41:06Z"},
	}
	for _, tt := range tests {
		m, _ := testParser.Parse([]byte(tt.in))
		if got := flatten(m).Time; got != tt.want {
			t.Errorf("Parse(%q).Timestamp = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCurrentLocalNow(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []*time.Location{time.UTC, berlin, berlin, berlin, time.UTC, time.UTC} {
		before := time.Now()
		got := currentLocalNow(loc)
		after := time.Now()
		if got.at.Before(before) || got.at.After(after) || got.loc != loc {
			t.Fatalf("currentLocalNow(%v) = %v, want a time between %v and %v", loc, got.at, before, after)
		}
		want := newLocalNow(got.at, loc)
		if got.year != want.year || got.off != want.off || got.until != want.until {
			t.Errorf("currentLocalNow(%v) = %+v, want %+v", loc, got, want)
		}
	}
	// A cached time past the next change of year or offset is not used.
	stale := newLocalNow(time.Now(), time.UTC)
	stale.year, stale.until = 1999, stale.at.Unix()
	clock.Store(&stale)
	if got := currentLocalNow(time.UTC); got.year == 1999 {
		t.Errorf("currentLocalNow used a cache entry past its validity")
	}
}
