package main

import "golang.org/x/sys/unix"

// The termios ioctls, which BSD systems name otherwise.
const (
	ioctlGetTermios = unix.TCGETS
	ioctlSetTermios = unix.TCSETS
)
