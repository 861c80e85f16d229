//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import (
	"errors"
	"io"
	"os"
)

// hasTermios is false where this package cannot turn echo off: passwords
// are then read from stdin as a line, e.g. piped in.
func hasTermios(*os.File) bool { return false }

func readHidden(*os.File, io.Writer, string) (string, error) {
	return "", errors.New("cannot read a password without echo on this system")
}
