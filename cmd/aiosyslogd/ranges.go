package main

import (
	"fmt"
	"strconv"
	"strings"
)

// keyRange is the range of values a numeric key takes. check, start-up
// and SIGHUP refuse a value outside it (NaN and infinities included), and
// README's table and the default file give it.
type keyRange struct {
	key      string // "table.key"
	min, max float64
	unit     string            // what the number counts, for the error: "messages"
	value    func(*Config) any // the key's value: an int or a float64
}

// Ranges of the numeric keys without an address: each bound is what a
// peer or an operator's slip must not exceed, as the key's README row says.
var keyRanges = []keyRange{
	// Each slot of the queue is allocated at start (80 bytes): 16 Mi
	// slots are 1.3 GB before any message is queued.
	{"server.queue_size", 1, 1 << 24, "messages", func(c *Config) any { return c.Server.QueueSize }},
	// Memory the messages may take; 64 GiB is more than a box running
	// this daemon has, and more than its heap limit is raised to.
	{"server.queue_max_mb", 1, 1 << 16, "MiB", func(c *Config) any { return c.Server.QueueMaxMB }},
	// Disk the spool may take; 1 TiB bounds a slip of the finger.
	{"spool.max_size_mb", 1, 1 << 20, "MiB", func(c *Config) any { return c.Spool.MaxSizeMB }},
	{"tcp.max_connections", 1, 100_000, "connections", func(c *Config) any { return c.TCP.MaxConnections }},
	{"tcp.idle_timeout", 1, 7 * 24 * 3600, "seconds", func(c *Config) any { return c.TCP.IdleTimeout }},
	// Each connection may hold one message that long.
	{"tcp.max_message_size", 1, 16 << 20, "bytes", func(c *Config) any { return c.TCP.MaxMessageSize }},
	// A batch is allocated whole, and three may be in hand at once.
	{"sqlite.batch_size", 1, 100_000, "messages", func(c *Config) any { return c.SQLite.BatchSize }},
	{"sqlite.batch_timeout", 0.001, 3600, "seconds", func(c *Config) any { return c.SQLite.BatchTimeout }},
	// A hundred years; pruning walks back that many months.
	{"sqlite.retention_months", 0, 1200, "months (0 keeps all)", func(c *Config) any { return c.SQLite.RetentionMonths }},
	{"postgresql.batch_size", 1, 100_000, "messages", func(c *Config) any { return c.PostgreSQL.BatchSize }},
	{"postgresql.batch_timeout", 0.001, 3600, "seconds", func(c *Config) any { return c.PostgreSQL.BatchTimeout }},
	{"postgresql.retention_months", 0, 1200, "months (0 keeps all)", func(c *Config) any { return c.PostgreSQL.RetentionMonths }},
	{"web_server.session_hours", 1, 8760, "hours", func(c *Config) any { return c.Web.SessionHours }},
}

// portRange is the range of every bind_port.
var portRange = keyRange{key: "bind_port", min: 0, max: 65535}

// rangeOf is the range of key, or the port range for a bind_port.
func rangeOf(key string) keyRange {
	for _, r := range keyRanges {
		if r.key == key {
			return r
		}
	}
	if strings.HasSuffix(key, ".bind_port") {
		return portRange
	}
	panic("no range for " + key) // the default file's template names only keys that have one; a test runs it
}

// validateRanges checks every key of keyRanges; the first out of range is
// named.
func (c *Config) validateRanges() error {
	for _, r := range keyRanges {
		if err := r.check(r.value(c)); err != nil {
			return err
		}
	}
	return nil
}

// check returns the keyError of v when it is outside r.
func (r keyRange) check(v any) error {
	var f float64
	switch x := v.(type) {
	case int:
		f = float64(x)
	case float64:
		f = x
	default:
		panic(fmt.Sprintf("%s: a %T is not a number", r.key, v))
	}
	if f >= r.min && f <= r.max { // false for NaN
		return nil
	}
	return invalid(r.key, " = %v: want %s", v, r.want())
}

// want is the range as an error says it: "1 to 100,000 messages".
func (r keyRange) want() string {
	if r.unit == "" {
		return r.String()
	}
	return r.String() + " " + r.unit
}

// String is the range as README and the default file give it:
// "1 to 16,777,216".
func (r keyRange) String() string { return formatBound(r.min) + " to " + formatBound(r.max) }

// formatBound writes a bound with thousands separators from 100,000 on
// (a port stays 65535).
func formatBound(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if f < 100_000 || strings.Contains(s, ".") {
		return s
	}
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}
