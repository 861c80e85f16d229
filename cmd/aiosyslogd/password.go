package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
)

// maxPasswordLine bounds a password read from stdin or the terminal.
const maxPasswordLine = 4096

// readNewPassword reads the new password for name: from the terminal
// without echo, typed twice, or, when stdin is not a terminal, as its first
// line (for scripts: printf '%s\n' "$PW" | aiosyslogd user add bob).
func readNewPassword(c *cli.Context, name string) (string, error) {
	fail := func(msg string) error {
		return cli.Exit("aiosyslogd user "+c.Command.Name+": "+msg, 2)
	}
	if !hasTermios(os.Stdin) {
		p, err := readLine(os.Stdin)
		if err != nil {
			return "", fail("password from stdin: " + err.Error())
		}
		return p, nil
	}
	first, err := readHidden(os.Stdin, c.App.ErrWriter, fmt.Sprintf("New password for %s: ", name))
	if err != nil {
		return "", fail("password: " + err.Error())
	}
	again, err := readHidden(os.Stdin, c.App.ErrWriter, "Repeat it: ")
	if err != nil {
		return "", fail("password: " + err.Error())
	}
	if first != again {
		return "", fail("the passwords do not match; nothing changed")
	}
	return first, nil
}

// readLine reads one line, without its line ending, a byte at a time so
// that nothing after it is consumed.
func readLine(r io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			if line = append(line, b[0]); len(line) > maxPasswordLine {
				return "", fmt.Errorf("longer than %d bytes", maxPasswordLine)
			}
		}
		if errors.Is(err, io.EOF) {
			if len(line) == 0 {
				return "", errors.New("no password given (empty input)")
			}
			break
		}
		if err != nil {
			return "", err
		}
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return string(line), nil
}
