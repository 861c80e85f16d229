package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// positionalArgs returns the command's arguments that are not flags, and
// applies the flags typed among them: urfave/cli stops reading flags at
// the first argument, but people type them anywhere, as with grep and
// journalctl (aiosyslogd search sshd failed -o json --since 1h,
// aiosyslogd user add bob --admin). "--" ends the flags: what follows it
// is arguments, even when it starts with "-". With terms set, an argument
// of one "-" that names no flag is an argument too: a query's exclusion
// (aiosyslogd search sshd -host:web-03).
func positionalArgs(c *cli.Context, terms bool) ([]string, error) {
	var args []string
	in := c.Args().Slice()
	if afterTerminator(in) {
		return in, nil
	}
	for i := 0; i < len(in); i++ {
		a := in[i]
		if a == "--" {
			return append(args, in[i+1:]...), nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			args = append(args, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := lookupFlag(c, name)
		if f == nil && terms && !strings.HasPrefix(a, "--") {
			args = append(args, a) // a query's -word or -host:web-03
			continue
		}
		if f == nil {
			return nil, fmt.Errorf("unknown flag %s (put -- before arguments that start with -)", a)
		}
		if _, isBool := f.(*cli.BoolFlag); !hasValue && isBool {
			value = "true"
		} else if !hasValue {
			if i++; i == len(in) {
				return nil, errors.New(a + " needs a value")
			}
			value = in[i]
		}
		// Set the flag by its first name: urfave/cli copies a value to a
		// flag's other names only while it parses.
		if err := c.Set(f.Names()[0], value); err != nil {
			return nil, fmt.Errorf("%s: %v", a, err)
		}
	}
	return args, nil
}

// afterTerminator reports whether the arguments urfave/cli left are those
// after a "--" that it took out itself (it does when the "--" comes before
// every argument): they are then all arguments.
func afterTerminator(in []string) bool {
	raw := os.Args
	n := len(in)
	return n > 0 && len(raw) > n && slices.Equal(raw[len(raw)-n:], in) && raw[len(raw)-n-1] == "--"
}

// lookupFlag finds the flag called name on the command or a parent.
func lookupFlag(c *cli.Context, name string) cli.Flag {
	for _, ctx := range c.Lineage() {
		if ctx.Command == nil {
			continue
		}
		for _, f := range ctx.Command.Flags {
			for _, n := range f.Names() {
				if n == name {
					return f
				}
			}
		}
	}
	return nil
}
