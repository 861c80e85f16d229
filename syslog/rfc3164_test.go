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
	{"RFC 3164 5.4 example 3: the zone is the HOSTNAME, as the RFC reads it",
		"<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jumbo=OK, Pasteur=OK, Pudding=OK...",
		fields{Pri: 165, Time: "2026-08-24T05:34:00Z", Host: "CST",
			Text: "1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jumbo=OK, Pasteur=OK, Pudding=OK..."}},
	{"RFC 3164 5.4 example 4: no recognisable header",
		"<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
		fields{Pri: 0, Text: "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!"}},

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
	{"one word after the timestamp is the HOSTNAME",
		"<13>Nov 24 03:41:06 rebooting",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "rebooting"}},
	{"timestamp only",
		"<13>Nov 24 03:41:06",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z"}},
	{"no hostname-like token: text",
		"<13>Nov 24 03:41:06 [UFW BLOCK] IN=eth0",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Text: "[UFW BLOCK] IN=eth0"}},
	{"Python SysLogHandler: no header, but a TAG",
		"<14>myapp: hello from python",
		fields{Pri: 14, App: "myapp", Text: "hello from python"}},
	{"PRI and text only", "<13>hello world", fields{Pri: 13, Text: "hello world"}},
	{"PRI only", "<13>", fields{Pri: 13}},
	{"PRI with leading zero is tolerated", "<013>Nov 24 03:41:06 host app: x",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", Text: "x"}},
	{"day that does not exist: only the timestamp is dropped", "<13>Nov 31 03:41:06 host app: x",
		fields{Pri: 13, Host: "host", App: "app", Text: "x"}},
	{"hour out of range: only the timestamp is dropped", "<13>Nov 24 24:41:06 host app: x",
		fields{Pri: 13, Host: "host", App: "app", Text: "x"}},
	{"unknown month: no header", "<13>Foo 24 03:41:06 host app: x",
		fields{Pri: 13, Text: "Foo 24 03:41:06 host app: x"}},
	{"timestamp glued to text: no header", "<13>Nov 24 03:41:06x host app: x",
		fields{Pri: 13, Text: "Nov 24 03:41:06x host app: x"}},
	{"Cisco sequence number without timestamp", "<189>123: %SYS-5-CONFIG_I: x",
		fields{Pri: 189, SD: `[meta sequenceId="123"]`, App: "%SYS-5-CONFIG_I", Text: "x"}},
	{"Cisco counter 0 is no sequence number", "<189>0: *Mar  1 00:01:23.456: %SYS-5-CONFIG_I: x",
		fields{Pri: 189, Time: "2026-03-01T00:01:23.456Z", App: "%SYS-5-CONFIG_I", Text: "x"}},
	{"TAG longer than 48 bytes stays text",
		"<13>Nov 24 03:41:06 host aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: x",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", Text: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: x"}},
	{"invalid UTF-8 is kept", "<13>Nov 24 03:41:06 host app: caf\xe9 \xff",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", Text: "caf\xe9 \xff"}},
	{"NUL bytes are kept", "<13>Nov 24 03:41:06 host app: a\x00b",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", Text: "a\x00b"}},
}

// rfc3164Kinds are lines of each kind of input that issue 12 lists as read
// wrong before, by kind: 1 spaces after the PRI, 2 a time ending in ':',
// 3 Cisco IOS prefixes, 4 IOS-XR and line-card nodes, 5 host names beyond
// [A-Za-z0-9.-], 6 no space after the TAG's colon, 7 a header with nothing
// after it, 8 headerless lines with a TAG, 9 relay and repeat forms,
// 10 RFC 3164 §5.4's examples as the RFC reads them, 11 dates that do not
// exist. Each names its source: a public test suite, or issue 12 for the
// forms it describes.
var rfc3164Kinds = []struct {
	kind    int
	src, in string
	want    fields
	err     string
}{
	{1, "issue 12",
		"<189> Feb  3 12:34:56 host prog[12]: started",
		fields{Pri: 189, Time: "2026-02-03T12:34:56Z", Host: "host", App: "prog", PID: "12", SD: "-", Text: "started"}, ""},
	{1, "issue 12",
		"<15> prog[1]: started",
		fields{Pri: 15, Time: "", Host: "", App: "prog", PID: "1", SD: "-", Text: "started"}, ""},
	{1, "leodido/go-syslog rfc3164 tests",
		"<132> Apr  4 19:32:33 ix2105  IP6[015]: Beyond scope for packet",
		fields{Pri: 132, Time: "2026-04-04T19:32:33Z", Host: "ix2105", App: "IP6", PID: "015", SD: "-", Text: "Beyond scope for packet"}, ""},
	{1, "rsyslog tests/testsuites/date1.parse1",
		"<38> Mar  7 19:06:53 example tag: testmessage (only date actually tested)",
		fields{Pri: 38, Time: "2026-03-07T19:06:53Z", Host: "example", App: "tag", PID: "", SD: "-", Text: "testmessage (only date actually tested)"}, ""},
	{1, "syslog-ng tests/unit/test_msgparse.c",
		"<15> openvpn[2499]: PTHREAD support initialized",
		fields{Pri: 15, Time: "", Host: "", App: "openvpn", PID: "2499", SD: "-", Text: "PTHREAD support initialized"}, ""},
	{1, "elastic/beats libbeat/reader/syslog/rfc3164_test.go",
		"<13> test-host this is the message",
		fields{Pri: 13, Time: "", Host: "", App: "", PID: "", SD: "-", Text: "test-host this is the message"}, ""},
	{2, "issue 12",
		"<13>Mar 12 19:06:53: host tag: message",
		fields{Pri: 13, Time: "2026-03-12T19:06:53Z", Host: "host", App: "tag", PID: "", SD: "-", Text: "message"}, ""},
	{2, "rsyslog tests/testsuites/date5.parse1",
		"<38>Mar 7 19:06:53: example tag: testmessage (only date actually tested)",
		fields{Pri: 38, Time: "2026-03-07T19:06:53Z", Host: "example", App: "tag", PID: "", SD: "-", Text: "testmessage (only date actually tested)"}, ""},
	{2, "syslog-ng tests/unit/test_msgparse.c",
		"<0>91: *Oct 07 03:10:04: mydevice.com %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=150.1.1.1, prot=50, spi=0x72662541(1919296833), srcaddr=150.3.1.3",
		fields{Pri: 0, Time: "2026-10-07T03:10:04Z", Host: "mydevice.com", App: "%CRYPTO-4-RECVD_PKT_INV_SPI", PID: "", SD: "[meta sequenceId=\"91\"]", Text: "decaps: rec'd IPSEC packet has invalid spi for destaddr=150.1.1.1, prot=50, spi=0x72662541(1919296833), srcaddr=150.3.1.3"}, ""},
	{2, "syslog-ng tests/unit/test_msgparse.c",
		"<190>Apr 15 2007 21:28:13: %PIX-6-302014: Teardown TCP connection 1688438 for bloomberg-net:1.2.3.4/8294 to inside:5.6.7.8/3639 duration 0:07:01 bytes 16975 TCP FINs",
		fields{Pri: 190, Time: "2007-04-15T21:28:13Z", Host: "", App: "%PIX-6-302014", PID: "", SD: "-", Text: "Teardown TCP connection 1688438 for bloomberg-net:1.2.3.4/8294 to inside:5.6.7.8/3639 duration 0:07:01 bytes 16975 TCP FINs"}, ""},
	{3, "Graylog SyslogCodecTest",
		"<186>1541800: Feb 27 06:08:59.485: %HARDWARE-2-FAN_ERROR: Fan Failure",
		fields{Pri: 186, Time: "2026-02-27T06:08:59.485Z", Host: "", App: "%HARDWARE-2-FAN_ERROR", PID: "", SD: "[meta sequenceId=\"1541800\"]", Text: "Fan Failure"}, ""},
	{3, "leodido/go-syslog rfc3164 tests",
		"<189>105: 000104: Mar 12 07:12:10: %SYS-5-CONFIG_I: Configured from console by console",
		fields{Pri: 189, Time: "2026-03-12T07:12:10Z", Host: "", App: "%SYS-5-CONFIG_I", PID: "", SD: "[meta sequenceId=\"104\"]", Text: "Configured from console by console"}, ""},
	{3, "issue 12 (counter off, sequence on)",
		"<189>: 000104: Mar 12 07:12:10: %SYS-5-CONFIG_I: Configured from console by console",
		fields{Pri: 189, Time: "2026-03-12T07:12:10Z", Host: "", App: "%SYS-5-CONFIG_I", PID: "", SD: "[meta sequenceId=\"104\"]", Text: "Configured from console by console"}, ""},
	{3, "leodido/go-syslog rfc3164 tests",
		"<189>: Mar 12 07:10:10: %SYS-5-CONFIG_I: Configured from console by console",
		fields{Pri: 189, Time: "2026-03-12T07:10:10Z", Host: "", App: "%SYS-5-CONFIG_I", PID: "", SD: "-", Text: "Configured from console by console"}, ""},
	{3, "issue 12 (origin-id, no timestamp)",
		"<189>123: router1: %SYS-5-CONFIG_I: Configured from console by vty0",
		fields{Pri: 189, Time: "", Host: "router1", App: "%SYS-5-CONFIG_I", PID: "", SD: "[meta sequenceId=\"123\"]", Text: "Configured from console by vty0"}, ""},
	{3, "issue 12 (counter, no timestamp)",
		"<189>123: %SYS-5-CONFIG_I: Configured from console by vty0",
		fields{Pri: 189, Time: "", Host: "", App: "%SYS-5-CONFIG_I", PID: "", SD: "[meta sequenceId=\"123\"]", Text: "Configured from console by vty0"}, ""},
	{3, "leodido/go-syslog rfc3164 tests",
		"<189>269614: 000104: myhostname: Apr 11 10:02:08: %LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet7/0/34, changed state to up",
		fields{Pri: 189, Time: "2026-04-11T10:02:08Z", Host: "myhostname", App: "%LINEPROTO-5-UPDOWN", PID: "", SD: "[meta sequenceId=\"104\"]", Text: "Line protocol on Interface GigabitEthernet7/0/34, changed state to up"}, ""},
	{3, "leodido/go-syslog rfc3164 tests",
		"<189>643: *Jan  8 19:46:03.295: %LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback100, changed state to up",
		fields{Pri: 189, Time: "2026-01-08T19:46:03.295Z", Host: "", App: "%LINEPROTO-5-UPDOWN", PID: "", SD: "[meta sequenceId=\"643\"]", Text: "Line protocol on Interface Loopback100, changed state to up"}, ""},
	{3, "aydinnemati/V-config cisco/sample-config-file.lua",
		"<187>343: .Sep 21 09:22:01.678: %LINK-3-UPDOWN: Interface GigabitEthernet1/0/12, changed state to up",
		fields{Pri: 187, Time: "2026-09-21T09:22:01.678Z", Host: "", App: "%LINK-3-UPDOWN", PID: "", SD: "[meta sequenceId=\"343\"]", Text: "Interface GigabitEthernet1/0/12, changed state to up"}, ""},
	{3, "napalm-logs tests/config/ios",
		"<189>1179: NetAuto_CSRv-03: May 31 15:25:53.743 MEST: %LINK-5-CHANGED: Interface GigabitEthernet2, changed state to administratively down from 10.83.75.201",
		fields{Pri: 189, Time: "2026-05-31T15:25:53.743Z", Host: "NetAuto_CSRv-03", App: "%LINK-5-CHANGED", PID: "", SD: "[meta sequenceId=\"1179\"]", Text: "Interface GigabitEthernet2, changed state to administratively down from 10.83.75.201"}, ""},
	{3, "issue 12 (UTC before the colon)",
		"<189>12: Nov 24 12:00:01.123 UTC: %SYS-5-CONFIG_I: Configured from console by vty0",
		fields{Pri: 189, Time: "2026-11-24T12:00:01.123Z", Host: "", App: "%SYS-5-CONFIG_I", PID: "", SD: "[meta sequenceId=\"12\"]", Text: "Configured from console by vty0"}, ""},
	{3, "elastic/beats x-pack cisco-ios-syslog.log",
		"Mar 24 18:06:03 198.51.100.2 1991219: Mar 24 18:06:03.424 UTC: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: john.smith] [Source: 10.2.55.3] [localport: 22] at 12:06:03 MST Wed Mar 24 2021",
		fields{Pri: 13, Time: "2026-03-24T18:06:03.424Z", Host: "198.51.100.2", App: "%SEC_LOGIN-5-LOGIN_SUCCESS", PID: "", SD: "[meta sequenceId=\"1991219\"]", Text: "Login Success [user: john.smith] [Source: 10.2.55.3] [localport: 22] at 12:06:03 MST Wed Mar 24 2021"}, "rfc3164: column 1: expected PRI \"<\""},
	{3, "ossec-docs log_samples/cisco/cisco_ios.rst",
		"Sep  6 09:25:12 RouterName 89: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (1.1.1.1)",
		fields{Pri: 13, Time: "2026-09-06T09:25:12Z", Host: "RouterName", App: "%SYS-5-CONFIG_I", PID: "", SD: "[meta sequenceId=\"89\"]", Text: "Configured from console by admin on vty0 (1.1.1.1)"}, "rfc3164: column 1: expected PRI \"<\""},
	{3, "syslog-ng modules/syslogformat/tests/test_syslog_format.c",
		"<189>65536: ",
		fields{Pri: 189, Time: "", Host: "", App: "", PID: "", SD: "[meta sequenceId=\"65536\"]", Text: ""}, ""},
	{3, "issue 12 (sequence number 0 is not one)",
		"<189>0: *Mar  1 00:01:23.456: %SYS-5-CONFIG_I: x",
		fields{Pri: 189, Time: "2026-03-01T00:01:23.456Z", Host: "", App: "%SYS-5-CONFIG_I", PID: "", SD: "-", Text: "x"}, ""},
	{4, "napalm-logs tests/config/iosxr",
		"<149>2647599: vmx01 RP/0/RSP1/CPU0:Mar 28 15:08:30.941 UTC: bgp[1051]: %ROUTING-BGP-5-MAXPFX : No. of IPv4 Unicast prefixes received from 1.2.3.4 has reached 94106, max 125000",
		fields{Pri: 149, Time: "2026-03-28T15:08:30.941Z", Host: "vmx01", App: "bgp", PID: "1051", SD: "[meta sequenceId=\"2647599\"]", Text: "%ROUTING-BGP-5-MAXPFX : No. of IPv4 Unicast prefixes received from 1.2.3.4 has reached 94106, max 125000"}, ""},
	{4, "napalm-logs tests/config/iosxr",
		"<187>94307: gw2.acy1 LC/0/2/CPU0:Jul  7 20:16:14.834 : ifmgr[214]: %PKT_INFRA-LINK-3-UPDOWN : Interface TenGigE0/2/0/4, changed state to Down",
		fields{Pri: 187, Time: "2026-07-07T20:16:14.834Z", Host: "gw2.acy1", App: "ifmgr", PID: "214", SD: "[meta sequenceId=\"94307\"]", Text: "%PKT_INFRA-LINK-3-UPDOWN : Interface TenGigE0/2/0/4, changed state to Down"}, ""},
	{4, "napalm-logs tests/config/iosxr, without its host",
		"<187>94307: LC/0/2/CPU0:Jul  7 20:16:14.834 : ifmgr[214]: %PKT_INFRA-LINK-3-UPDOWN : Interface TenGigE0/2/0/4, changed state to Down",
		fields{Pri: 187, Time: "2026-07-07T20:16:14.834Z", Host: "", App: "ifmgr", PID: "214", SD: "[meta sequenceId=\"94307\"]", Text: "%PKT_INFRA-LINK-3-UPDOWN : Interface TenGigE0/2/0/4, changed state to Down"}, ""},
	{4, "issue 12 (cBR-8 line card)",
		"<189>2212: CLC 6/0: Jun 13 10:09:07.621 EDT: %SYS-5-CONFIG_I: Configured from console by vty0",
		fields{Pri: 189, Time: "2026-06-13T10:09:07.621Z", Host: "", App: "%SYS-5-CONFIG_I", PID: "", SD: "[meta sequenceId=\"2212\"]", Text: "Configured from console by vty0"}, ""},
	{4, "issue 12 (line card, host in front)",
		"<189>2212: cbr8 CLC 6/0: Jun 13 10:09:07.621 UTC: %SYS-5-CONFIG_I: Configured from console by vty0",
		fields{Pri: 189, Time: "2026-06-13T10:09:07.621Z", Host: "cbr8", App: "%SYS-5-CONFIG_I", PID: "", SD: "[meta sequenceId=\"2212\"]", Text: "Configured from console by vty0"}, ""},
	{5, "rsyslog tests/testsuites/reallife.parse1",
		"<175>Oct 16 23:47:31 #001 MSWinEventLog 0#011Security#01119023582",
		fields{Pri: 175, Time: "2026-10-16T23:47:31Z", Host: "#001", App: "", PID: "", SD: "-", Text: "MSWinEventLog 0#011Security#01119023582"}, ""},
	{5, "syslog-ng tests/unit/test_msgparse.c",
		"<7>2006-10-29T02:00:00.156+01:00 %bzorp openvpn[2499]: PTHREAD support initialized",
		fields{Pri: 7, Time: "2006-10-29T01:00:00.156Z", Host: "%bzorp", App: "openvpn", PID: "2499", SD: "-", Text: "PTHREAD support initialized"}, ""},
	{5, "rsyslog tests/hostname-with-slash-pmrfc3164.sh",
		"<167>Mar  6 16:57:54 hostname1/hostname2 test: msgnum:0",
		fields{Pri: 167, Time: "2026-03-06T16:57:54Z", Host: "hostname1/hostname2", App: "test", PID: "", SD: "-", Text: "msgnum:0"}, ""},
	{5, "rsyslog tests/pmrfc3164-AtSignsInHostname_off.sh",
		"<129>Mar 10 01:00:00 Hostn@me2 tag:  msgnum:2",
		fields{Pri: 129, Time: "2026-03-10T01:00:00Z", Host: "Hostn@me2", App: "tag", PID: "", SD: "-", Text: " msgnum:2"}, ""},
	{5, "napalm-logs tests/config/ios",
		"<189>117: NetAuto_CSRv-03: May  9 12:49:27.098: %LINK-5-CHANGED: Interface GigabitEthernet2, changed state to administratively down",
		fields{Pri: 189, Time: "2026-05-09T12:49:27.098Z", Host: "NetAuto_CSRv-03", App: "%LINK-5-CHANGED", PID: "", SD: "[meta sequenceId=\"117\"]", Text: "Interface GigabitEthernet2, changed state to administratively down"}, ""},
	{5, "Vector syslog-loose tests",
		"<46>Jan 5 10:01:00 Übergröße außerplanmäßig größenordnungsmäßig",
		fields{Pri: 46, Time: "2026-01-05T10:01:00Z", Host: "Übergröße", App: "", PID: "", SD: "-", Text: "außerplanmäßig größenordnungsmäßig"}, ""},
	{5, "issue 12 (a '[' makes it no host)",
		"<13>Nov 24 03:41:06 [UFW BLOCK] IN=eth0",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "", App: "", PID: "", SD: "-", Text: "[UFW BLOCK] IN=eth0"}, ""},
	{5, "elastic/beats filebeat/input/syslog/rfc3164_test.go",
		"<13>Feb 25 17:32:18 1:: Use the Force!",
		fields{Pri: 13, Time: "2026-02-25T17:32:18Z", Host: "1::", App: "", PID: "", SD: "-", Text: "Use the Force!"}, ""},
	{6, "rsyslog tests/pmrfc3164-AtSignsInHostname_off.sh",
		"<129>Mar 10 01:00:00 Hostname3 tag:msgnum:3",
		fields{Pri: 129, Time: "2026-03-10T01:00:00Z", Host: "Hostname3", App: "tag", PID: "", SD: "-", Text: "msgnum:3"}, ""},
	{6, "Vector syslog-loose tests",
		"<13>Feb 13 20:07:26 74794bfb6795 root[8539]:syslog message",
		fields{Pri: 13, Time: "2026-02-13T20:07:26Z", Host: "74794bfb6795", App: "root", PID: "8539", SD: "-", Text: "syslog message"}, ""},
	{6, "napalm-logs tests/config/huawei",
		"<29>2018-7-23 01:00:34.270.1 my-awesome-huawei-switch %%01IFNET/4/IF_STATE(l)[4997]:Interface Ethernet0/0/8 has turned into DOWN state.",
		fields{Pri: 29, Time: "2018-07-23T01:00:34.27Z", Host: "my-awesome-huawei-switch", App: "%%01IFNET/4/IF_STATE(l)", PID: "4997", SD: "-", Text: "Interface Ethernet0/0/8 has turned into DOWN state."}, ""},
	{6, "issue 12 (a URL is no tag:msg)",
		"<13>Nov 24 03:41:06 host http://example.com/ is down",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "", PID: "", SD: "-", Text: "http://example.com/ is down"}, ""},
	{6, "issue 12 (an IPv6 address is no tag:msg)",
		"<13>Nov 24 03:41:06 host fe80::1 is unreachable",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "", PID: "", SD: "-", Text: "fe80::1 is unreachable"}, ""},
	{6, "issue 12 (no glued text without a header)",
		"<14>note:glued text",
		fields{Pri: 14, Time: "", Host: "", App: "", PID: "", SD: "-", Text: "note:glued text"}, ""},
	{7, "rsyslog tests/testsuites/weird.parse1",
		"<14>Aug 30 23:00:05 X4711",
		fields{Pri: 14, Time: "2026-08-30T23:00:05Z", Host: "X4711", App: "", PID: "", SD: "-", Text: ""}, ""},
	{7, "syslog-ng tests/unit/test_msgparse.c",
		"<0>Jan 10 01:00:00 prg0",
		fields{Pri: 0, Time: "2026-01-10T01:00:00Z", Host: "prg0", App: "", PID: "", SD: "-", Text: ""}, ""},
	{7, "issue 12",
		"<189>65536: ",
		fields{Pri: 189, Time: "", Host: "", App: "", PID: "", SD: "[meta sequenceId=\"65536\"]", Text: ""}, ""},
	{7, "rsyslog tests/testsuites/weird.parse1",
		"<14>Aug 30 23:00:05 ",
		fields{Pri: 14, Time: "2026-08-30T23:00:05Z", Host: "", App: "", PID: "", SD: "-", Text: ""}, ""},
	{8, "rsyslog tests (xapi, tcpflood)",
		"<27>xapi: [error|xen3|15|Guest liveness monitor D:bca30ab3f1c1|master_connection] Connection to master died.",
		fields{Pri: 27, Time: "", Host: "", App: "xapi", PID: "", SD: "-", Text: "[error|xen3|15|Guest liveness monitor D:bca30ab3f1c1|master_connection] Connection to master died."}, ""},
	{8, "syslog-ng admin guide, netskope-parser",
		"<134>{\"count\": 1, \"user\": \"user@domain.com\", \"audit_log_event\": \"Login Successful\"}",
		fields{Pri: 134, Time: "", Host: "", App: "", PID: "", SD: "-", Text: "{\"count\": 1, \"user\": \"user@domain.com\", \"audit_log_event\": \"Login Successful\"}"}, ""},
	{8, "issue 12 (Python SysLogHandler)",
		"<14>myapp: hello from python",
		fields{Pri: 14, Time: "", Host: "", App: "myapp", PID: "", SD: "-", Text: "hello from python"}, ""},
	{8, "issue 12 (Cisco ASA without timestamp)",
		"<164>%ASA-4-106023: Deny tcp src outside:198.51.100.7/51234 dst inside:10.0.0.5/22 by access-group \"outside_in\" [0x0, 0x0]",
		fields{Pri: 164, Time: "", Host: "", App: "%ASA-4-106023", PID: "", SD: "-", Text: "Deny tcp src outside:198.51.100.7/51234 dst inside:10.0.0.5/22 by access-group \"outside_in\" [0x0, 0x0]"}, ""},
	{8, "issue 12 (no letter, no tag)",
		"<14>1999: a year",
		fields{Pri: 14, Time: "", Host: "", App: "", PID: "", SD: "-", Text: "1999: a year"}, ""},
	{9, "syslog-ng tests/unit/test_msgparse.c",
		"<38>Sep 22 10:11:56 Message forwarded from cdaix66: sshd[679960]: Accepted publickey for nagios from 1.9.1.1 port 42096 ssh2",
		fields{Pri: 38, Time: "2026-09-22T10:11:56Z", Host: "cdaix66", App: "sshd", PID: "679960", SD: "-", Text: "Accepted publickey for nagios from 1.9.1.1 port 42096 ssh2"}, ""},
	{9, "elastic/beats filebeat/input/syslog/rfc3164_test.go",
		"Oct 11 22:14:15 --- last message repeated 1 time ---",
		fields{Pri: 13, Time: "2026-10-11T22:14:15Z", Host: "", App: "", PID: "", SD: "-", Text: "--- last message repeated 1 time ---"}, "rfc3164: column 1: expected PRI \"<\""},
	{9, "issue 12",
		"<13>Nov 24 03:41:06 last message repeated 3 times",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "", App: "", PID: "", SD: "-", Text: "last message repeated 3 times"}, ""},
	{9, "rsyslog tests/pmlastmsg.sh",
		"<13>last message repeated 5 times",
		fields{Pri: 13, Time: "", Host: "", App: "", PID: "", SD: "-", Text: "last message repeated 5 times"}, ""},
	{10, "RFC 3164 §5.4 example 1",
		"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
		fields{Pri: 34, Time: "2026-10-11T22:14:15Z", Host: "mymachine", App: "su", PID: "", SD: "-", Text: "'su root' failed for lonvick on /dev/pts/8"}, ""},
	{10, "RFC 3164 §5.4 example 2",
		"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
		fields{Pri: 13, Time: "2026-02-05T17:32:18Z", Host: "10.0.0.99", App: "", PID: "", SD: "-", Text: "Use the BFG!"}, ""},
	{10, "RFC 3164 §5.4 example 3",
		"<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jelly=OK # Devices: Mixer=OK, Jelly_Injector=OK, Frier=OK # Transport: Conveyer1=OK, Conveyer2=OK # %%",
		fields{Pri: 165, Time: "2026-08-24T05:34:00Z", Host: "CST", App: "", PID: "", SD: "-", Text: "1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jelly=OK # Devices: Mixer=OK, Jelly_Injector=OK, Frier=OK # Transport: Conveyer1=OK, Conveyer2=OK # %%"}, ""},
	{10, "RFC 3164 §5.4 example 4",
		"<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmi.com 23.4.10.1 sched[0]: That's All Folks!",
		fields{Pri: 0, Time: "", Host: "", App: "", PID: "", SD: "-", Text: "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmi.com 23.4.10.1 sched[0]: That's All Folks!"}, ""},
	{11, "issue 12",
		"<13>Feb 30 12:00:00 host app: m",
		fields{Pri: 13, Time: "", Host: "host", App: "app", PID: "", SD: "-", Text: "m"}, ""},
	{11, "issue 12",
		"<13>Nov 31 03:41:06 host app: x",
		fields{Pri: 13, Time: "", Host: "host", App: "app", PID: "", SD: "-", Text: "x"}, ""},
	{11, "issue 12",
		"<13>Nov 24 24:41:06 host app: x",
		fields{Pri: 13, Time: "", Host: "host", App: "app", PID: "", SD: "-", Text: "x"}, ""},
	{11, "issue 12",
		"<13>2026-02-30T12:00:00Z host app: m",
		fields{Pri: 13, Time: "", Host: "host", App: "app", PID: "", SD: "-", Text: "m"}, ""},
	{11, "issue 12",
		"<13>*Feb 30 12:00:00.000: %SYS-5-CONFIG_I: x",
		fields{Pri: 13, Time: "", Host: "", App: "%SYS-5-CONFIG_I", PID: "", SD: "-", Text: "x"}, ""},
}

// rfc3164Conventions are issue 12's readings where the peers disagree.
var rfc3164Conventions = []struct {
	name, src, in string
	want          fields
	err           string
}{
	// A missing PRI is 13; a malformed PRI keeps the whole datagram.
	{"missing PRI", "rsyslog tests/testsuites/mark.parse1", "Feb 18 16:01:59 serverX -- MARK --",
		fields{Pri: 13, Time: "2026-02-18T16:01:59Z", Host: "serverX", SD: "-", Text: "-- MARK --"}, `rfc3164: column 1: expected PRI "<"`},
	{"PRI out of range", "elastic/beats libbeat/reader/syslog/rfc3164_test.go", "<192>Oct 11 22:14:15 test-host this is the message",
		fields{Pri: 13, SD: "-", Text: "<192>Oct 11 22:14:15 test-host this is the message"}, `rfc3164: column 2: expected PRI value 0-191`},
	{"PRI not a number", "elastic/beats libbeat/reader/syslog/rfc3164_test.go", "<abc>Oct 11 22:14:15 test-host this is the message",
		fields{Pri: 13, SD: "-", Text: "<abc>Oct 11 22:14:15 test-host this is the message"}, `rfc3164: column 2: expected PRI value 0-191`},
	{"PRI negative", "elastic/beats libbeat/reader/syslog/rfc3164_test.go", "<-1>Oct 11 22:14:15 test-host this is the message",
		fields{Pri: 13, SD: "-", Text: "<-1>Oct 11 22:14:15 test-host this is the message"}, `rfc3164: column 2: expected PRI value 0-191`},
	{"PRI not closed", "issue 12", "<13 Oct 11 22:14:15 host app: x",
		fields{Pri: 13, SD: "-", Text: "<13 Oct 11 22:14:15 host app: x"}, `rfc3164: column 4: expected ">" after PRI value`},

	// One trailing LF or CRLF is framing; the rest is the message's.
	{"LF", "issue 12", "<13>Nov 24 03:41:06 host app: text\n",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "text"}, ""},
	{"CRLF", "issue 12", "<13>Nov 24 03:41:06 host app: text\r\n",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "text"}, ""},
	{"only one LF", "issue 12", "<13>Nov 24 03:41:06 host app: text\n\n",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "text\n"}, ""},
	{"a CR alone is kept", "issue 12", "<13>Nov 24 03:41:06 host app: text\r",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "text\r"}, ""},
	{"NUL kept", "elastic/beats filebeat/input/syslog/rfc3164_test.go", "<13> Aug 16 12:25:24 10.12.255.2-1 TRAPMGR[53034492]: traputil.c(696) 135956 %% Link Up: g5.\x00",
		fields{Pri: 13, Time: "2026-08-16T12:25:24Z", Host: "10.12.255.2-1", App: "TRAPMGR", PID: "53034492", SD: "-", Text: "traputil.c(696) 135956 %% Link Up: g5.\x00"}, ""},
	{"TAB, embedded LF and trailing spaces kept", "issue 12", "<13>Nov 24 03:41:06 host app: a\tb\nc  ",
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "a\tb\nc  "}, ""},

	// A TAG needs ':' or "[PID]" after it, has a letter and no '"', '{', '}'.
	{"a first word without colon is text", "rsyslog tests/testsuites/8bit.parse1", "<6>AUG 10 22:18:24 host tag This msg contains 8-bit European chars: äöü",
		fields{Pri: 6, Time: "2026-08-10T22:18:24Z", Host: "host", SD: "-", Text: "tag This msg contains 8-bit European chars: äöü"}, ""},
	{"NAME[PID] and a space", "issue 12 (macOS launchd)", "<5>Nov 24 03:41:06 MacBook-Pro com.apple.xpc.launchd[1] (com.apple.mdworker.shared[123]): Service exited due to SIGKILL",
		fields{Pri: 5, Time: "2026-11-24T03:41:06Z", Host: "MacBook-Pro", App: "com.apple.xpc.launchd", PID: "1", SD: "-", Text: "(com.apple.mdworker.shared[123]): Service exited due to SIGKILL"}, ""},
	{"no tag without a letter", "rsyslog tests/testsuites/oversizeTag-1.parse1", "<38>Mar 27 19:06:53 source_server 0123456780123456780123456780123456789: MSG part",
		fields{Pri: 38, Time: "2026-03-27T19:06:53Z", Host: "source_server", SD: "-", Text: "0123456780123456780123456780123456789: MSG part"}, ""},
	{"no tag with a quote", "issue 12", `<13>Nov 24 03:41:06 host "quoted": x`,
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", SD: "-", Text: `"quoted": x`}, ""},

	// One space after the TAG's colon is removed; without a TAG the message
	// starts at the first non-space after the host.
	{"one space removed", "napalm-logs tests/config/junos", "<28>Jul  8 23:04:13  vmx01 craftd[4817]:  Major alarm set, Host 0 me0 : Ethernet Link Down",
		fields{Pri: 28, Time: "2026-07-08T23:04:13Z", Host: "vmx01", App: "craftd", PID: "4817", SD: "-", Text: " Major alarm set, Host 0 me0 : Ethernet Link Down"}, ""},
	{"spaces before untagged text", "Vector syslog-loose tests", `<46>Jan  5 15:33:03 plertrood-ThinkPad-X220  [software="rsyslogd"] start`,
		fields{Pri: 46, Time: "2026-01-05T15:33:03Z", Host: "plertrood-ThinkPad-X220", SD: "-", Text: `[software="rsyslogd"] start`}, ""},

	// Years: after the time, before it (ASA), first (NX-OS).
	{"year after the time", "rsyslog tests/testsuites/upcase-date.parse1", "<6>AUG 10 22:18:24 2009  netips-warden2-p [audit] user=[*SMS] src=192.168.11.11 iface=5 access=9 Update State Reset",
		fields{Pri: 6, Time: "2009-08-10T22:18:24Z", Host: "netips-warden2-p", SD: "-", Text: "[audit] user=[*SMS] src=192.168.11.11 iface=5 access=9 Update State Reset"}, ""},
	{"year before the time", "syslog-ng tests/unit/test_msgparse.c", "<190>Apr 15 2007 21:28:13: %PIX-6-302014: Teardown TCP connection 1688438",
		fields{Pri: 190, Time: "2007-04-15T21:28:13Z", App: "%PIX-6-302014", SD: "-", Text: "Teardown TCP connection 1688438"}, ""},
	{"year first", "napalm-logs tests/config/nxos", "<190>2018 Apr 20 13:15:38 nexus-switch %ETHPORT-5-IF_UP: Interface Ethernet1/33 is up in mode trunk",
		fields{Pri: 190, Time: "2018-04-20T13:15:38Z", Host: "nexus-switch", App: "%ETHPORT-5-IF_UP", SD: "-", Text: "Interface Ethernet1/33 is up in mode trunk"}, ""},

	// ISO 8601: 'T' or a space, one- or two-digit month and day, any offset.
	{"ISO ±hh:mm", "elastic/beats filebeat/input/syslog/rfc3164_test.go", "<190>2018-06-19T02:13:38.635322-07:00 super mon message",
		fields{Pri: 190, Time: "2018-06-19T09:13:38.635322Z", Host: "super", SD: "-", Text: "mon message"}, ""},
	{"ISO ±hhmm", "elastic/beats filebeat/input/syslog/rfc3164_test.go", "<190>2018-06-19T02:13:38.635322-0730 super mon message",
		fields{Pri: 190, Time: "2018-06-19T09:43:38.635322Z", Host: "super", SD: "-", Text: "mon message"}, ""},
	{"ISO Z", "elastic/beats filebeat/input/syslog/rfc3164_test.go", "<190>2018-06-19T02:13:38.635322Z super mon message",
		fields{Pri: 190, Time: "2018-06-19T02:13:38.635322Z", Host: "super", SD: "-", Text: "mon message"}, ""},
	{"ISO with a space, no offset", "elastic/beats filebeat/input/syslog/rfc3164_test.go", "<190>2018-06-19 02:13:38 super mon message",
		fields{Pri: 190, Time: "2018-06-19T02:13:38Z", Host: "super", SD: "-", Text: "mon message"}, ""},
	{"ISO one-digit month and day", "issue 12", "<13>2026-1-5T03:41:06Z host app: x",
		fields{Pri: 13, Time: "2026-01-05T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "x"}, ""},

	// Vendor key=value and JSON payloads without a header keep the whole text.
	{"FortiGate", "napalm-logs tests/config/fortinet", "<189>date=2019-04-09 time=04:27:29 devname=fw01 devid=FG800D0123456789 logid=0000000013 type=traffic",
		fields{Pri: 189, Time: "2019-04-09T04:27:29Z", Host: "fw01", SD: "-", Text: "date=2019-04-09 time=04:27:29 devname=fw01 devid=FG800D0123456789 logid=0000000013 type=traffic"}, ""},
	{"NetScaler", "elastic/integrations citrix_adc test-citrix-native.log", `<134> 07/09/2024:17:12:06 GMT ns1 0-PPE-0 : default CLI CMD_EXECUTED 6870 0 :  User nsroot - Command "logout" - Status "Success"`,
		fields{Pri: 134, SD: "-", Text: `07/09/2024:17:12:06 GMT ns1 0-PPE-0 : default CLI CMD_EXECUTED 6870 0 :  User nsroot - Command "logout" - Status "Success"`}, ""},
	{"Netskope JSON", "syslog-ng admin guide, netskope-parser", `<134>{"user": "user@domain.com", "audit_log_event": "Login Successful", "type": "admin_audit_logs"}`,
		fields{Pri: 134, SD: "-", Text: `{"user": "user@domain.com", "audit_log_event": "Login Successful", "type": "admin_audit_logs"}`}, ""},
	{"SonicWall", "ossec-docs log_samples/firewalls/sonicwall.rst", `<134>id=firewall sn=00XX time="2005-10-22 00:12:11" fw=1.2.3.4 pri=5 c=128 m=37 msg="UDP packet dropped"`,
		fields{Pri: 134, SD: "-", Text: `id=firewall sn=00XX time="2005-10-22 00:12:11" fw=1.2.3.4 pri=5 c=128 m=37 msg="UDP packet dropped"`}, ""},
}

func TestParseRFC3164Kinds(t *testing.T) {
	count := make(map[int]int)
	for _, tt := range rfc3164Kinds {
		count[tt.kind]++
		m, err := testParser.Parse([]byte(tt.in))
		if got := flatten(m); got != tt.want || errText(err) != tt.err {
			t.Errorf("kind %d, %s: Parse(%q)\n got %+v, %q\nwant %+v, %q", tt.kind, tt.src, tt.in, got, errText(err), tt.want, tt.err)
		}
	}
	for kind := 1; kind <= 11; kind++ {
		if count[kind] < 2 {
			t.Errorf("kind %d has %d lines, want at least 2", kind, count[kind])
		}
	}
}

func TestParseRFC3164Conventions(t *testing.T) {
	for _, tt := range rfc3164Conventions {
		t.Run(tt.name, func(t *testing.T) {
			m, err := testParser.Parse([]byte(tt.in))
			if got := flatten(m); got != tt.want || errText(err) != tt.err {
				t.Errorf("%s: Parse(%q)\n got %+v, %q\nwant %+v, %q", tt.src, tt.in, got, errText(err), tt.want, tt.err)
			}
		})
	}
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
		{`<189>date=2026-11-24 time=03:41:06 devname=x tz="+9999"`, "2026-11-24T03:41:06Z", "x"}, // found by FuzzParseRFC3164
		{`<189>date=2026-11-24 time=03:41:06 devname=x tz="-2400"`, "2026-11-24T03:41:06Z", "x"},
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
