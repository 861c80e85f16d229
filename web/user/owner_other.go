//go:build !unix

package user

import "os"

// keepOwner does nothing where files have no Unix owner.
func keepOwner(f *os.File, path string) error { return nil }
