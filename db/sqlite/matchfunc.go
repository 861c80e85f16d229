package sqlite

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"modernc.org/sqlite"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// matchFunc is the SQL function that evaluates the part of a query the
// statements cannot say with their own parameters (the rest parameter of
// sql/filters.sql, see compile.go) on one row:
//
//	aiosyslogd_match(rest, FromHost, SysLogTag, ProcessID, MsgID,
//	    FromHostIP, StructuredData, Message, Priority, Facility)
//
// rest is a query tree printed in the query language; it is a bound
// parameter, never SQL. The function is registered with the driver for
// every connection this package opens.
const matchFunc = "aiosyslogd_match"

// The arguments are views of SQLite's own memory (VolatileArgs), valid
// for the call only: no copy of each row's text, and the whole text, NUL
// bytes included, where a copy would stop at the first NUL. Nothing keeps
// them past the call but the cache, which clones the rest tree's text.
func init() {
	sqlite.MustRegisterFunction(matchFunc, &sqlite.FunctionImpl{
		NArgs: 10, Deterministic: true, Scalar: evalRest, VolatileArgs: true,
	})
}

// evalRest is matchFunc: 1 when the row matches rest, else 0.
func evalRest(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	rest, _ := args[0].(string)
	m, err := restMatchers.get(rest)
	if err != nil {
		return nil, err
	}
	r := query.Record{
		Host: text(args[1]), Tag: text(args[2]), PID: text(args[3]), MsgID: text(args[4]),
		IP: text(args[5]), StructuredData: text(args[6]), Message: text(args[7]),
	}
	sev, _ := args[8].(int64)
	fac, _ := args[9].(int64)
	r.Severity, r.Facility = syslog.Severity(sev), syslog.Facility(fac)
	if m.Match(&r) {
		return int64(1), nil
	}
	return int64(0), nil
}

// text is a TEXT argument as a string; "" for NULL.
func text(v driver.Value) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

// matcherCache keeps the compiled matchers of the rest trees in use: each
// row of a statement evaluates the same one. It forgets them all when it
// holds maxMatchers, which only many different queries reach.
type matcherCache struct {
	mu sync.Mutex
	m  map[string]*query.Matcher
}

const maxMatchers = 256

var restMatchers matcherCache

func (c *matcherCache) get(rest string) (*query.Matcher, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.m[rest]; ok {
		return m, nil
	}
	rest = strings.Clone(rest) // the tree and the key keep parts of it
	n, err := query.Parse(rest)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", matchFunc, err)
	}
	if c.m == nil || len(c.m) >= maxMatchers {
		c.m = map[string]*query.Matcher{}
	}
	m := query.Compile(n)
	c.m[rest] = m
	return m, nil
}
