//go:build !unix

package spool

import "os"

// lock does nothing where flock(2) is missing.
func lock(*os.File) error { return nil }
