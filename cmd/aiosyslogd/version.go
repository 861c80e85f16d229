package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// version and commit are set by release builds (make deb) with
// -ldflags "-X main.version=… -X main.commit=…"; otherwise they come from
// the build information Go records.
var version, commit = "", ""

// buildVersion is the program's version: the release's, the module's, or
// "dev" for a build from a working tree.
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// buildCommit is the commit the binary was built from, with its time and
// "modified" when the tree had uncommitted changes; "unknown" when Go
// recorded none (go run, or a build outside git).
func buildCommit() string {
	if commit != "" {
		return commit
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = " " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " (modified)"
			}
		}
	}
	if rev == "" {
		return "unknown"
	}
	return rev + at + modified
}

// printVersion is what --version prints: the version, the commit and the
// Go toolchain that built it.
func printVersion(c *cli.Context) {
	fmt.Fprintf(c.App.Writer, "%s version %s\ncommit %s\nbuilt with %s %s/%s\n",
		c.App.Name, c.App.Version, buildCommit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
