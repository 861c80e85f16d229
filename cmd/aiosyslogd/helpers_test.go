package main

import "github.com/aiosyslogd/aiosyslogd/internal/testwait"

// poll and eventually are testwait's: tests wait on conditions, bounded
// in time, never on sleeps.
var (
	poll       = testwait.Poll
	eventually = testwait.Eventually
)
