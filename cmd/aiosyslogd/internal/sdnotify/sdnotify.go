// Package sdnotify tells systemd how the service is doing: the sd_notify
// protocol, one datagram of "KEY=value" lines to the socket named by
// $NOTIFY_SOCKET, which systemd sets for a unit of Type=notify. Outside
// systemd every call does nothing.
package sdnotify

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// The states serve sends.
const (
	Ready    = "READY=1"    // started: listeners bound, database open
	Stopping = "STOPPING=1" // shutting down
	Watchdog = "WATCHDOG=1" // still alive, for WatchdogSec
)

// Notify sends state to the socket named by $NOTIFY_SOCKET. It reports
// whether it sent anything: false, with a nil error, when the variable is
// not set.
func Notify(state string) (bool, error) {
	name := os.Getenv("NOTIFY_SOCKET")
	if name == "" {
		return false, nil
	}
	// A name starting with @ is in the abstract namespace; the net package
	// knows that convention.
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		return false, fmt.Errorf("notify systemd at %s: %w", name, err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		return false, fmt.Errorf("notify systemd at %s: %w", name, err)
	}
	return true, nil
}

// Reloading is the state to send when a reload begins; send Ready when it
// is over. It carries the monotonic clock, as Type=notify-reload wants.
func Reloading() string {
	return "RELOADING=1\nMONOTONIC_USEC=" + strconv.FormatInt(monotonicUsec(), 10)
}

// WatchdogTimeout returns the unit's WatchdogSec, from $WATCHDOG_USEC, when
// it is meant for this process ($WATCHDOG_PID unset or this process's):
// without Watchdog within that time systemd kills the service. 0 when there
// is no watchdog.
func WatchdogTimeout() time.Duration {
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0
	}
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0
	}
	return time.Duration(usec) * time.Microsecond
}
