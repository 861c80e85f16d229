package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	_ "time/tzdata" // --tz works on systems without a zone database

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// convertCommand is `aiosyslogd convert`: syslog lines in, strict RFC 5424
// lines out. The conversion itself is syslog.Converter's.
func convertCommand() *cli.Command {
	return newCommand("convert", "[FILE…]", runConvert,
		&cli.BoolFlag{Name: "strict", Usage: "report lines that are not syslog on stderr and exit 1, instead of wrapping them"},
		&cli.IntFlag{Name: "year", Usage: "year of RFC 3164 timestamps that have none; 0 infers it from the current date"},
		&cli.StringFlag{Name: "tz", Value: "Local", Usage: "zone of RFC 3164 timestamps: an IANA name (Europe/Berlin), UTC, Local or an offset (+01:00)"},
	)
}

// runConvert converts each input in turn to standard output.
func runConvert(c *cli.Context) error {
	loc, err := syslog.LoadLocation(c.String("tz"))
	if err != nil {
		return cli.Exit("aiosyslogd convert: --tz: "+err.Error(), 2)
	}
	year := c.Int("year")
	if year < 0 || year > 9999 {
		return cli.Exit(fmt.Sprintf("aiosyslogd convert: --year %d: want a year from 1 to 9999", year), 2)
	}
	conv := &syslog.Converter{
		Parser: syslog.Parser{Location: loc, Year: year},
		Strict: c.Bool("strict"),
	}
	files := c.Args().Slice()
	if len(files) == 0 {
		files = []string{"-"}
	}
	var rejected []string
	for _, name := range files {
		err := convertFile(c.Context, conv, name, c.App.Writer, c.App.ErrWriter)
		switch {
		case errors.Is(err, syslog.ErrRejected):
			rejected = append(rejected, "aiosyslogd convert: "+err.Error())
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission):
			return cli.Exit("aiosyslogd convert: "+err.Error(), 2)
		case err != nil:
			return cli.Exit("aiosyslogd convert: "+err.Error(), 1)
		}
	}
	if rejected != nil {
		return cli.Exit(strings.Join(rejected, "\n"), 1)
	}
	return nil
}

// convertFile converts one named input ("-" is standard input) to out,
// reporting lines refused in strict mode on errOut as NAME:LINE: REASON.
func convertFile(ctx context.Context, conv *syslog.Converter, name string, out, errOut io.Writer) error {
	in, label := io.Reader(os.Stdin), "stdin"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in, label = f, name
	}
	if errOut == nil {
		errOut = os.Stderr
	}
	conv.Reject = func(line int, err error) {
		fmt.Fprintf(errOut, "%s:%d: %v\n", label, line, err)
	}
	if err := conv.Convert(ctx, in, out); err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	return nil
}
