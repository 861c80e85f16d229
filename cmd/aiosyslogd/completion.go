package main

import (
	"embed"
	"fmt"

	"github.com/urfave/cli/v2"
)

// completions holds the bash and zsh scripts; both ask the program itself
// what to complete (urfave/cli's --generate-bash-completion).
//
//go:embed completion/aiosyslogd.bash completion/aiosyslogd.zsh
var completions embed.FS

// completionCommand is `aiosyslogd completion bash|zsh|fish`.
func completionCommand() *cli.Command {
	return newCommand("completion", "bash|zsh|fish", runCompletion)
}

func runCompletion(c *cli.Context) error {
	var script string
	switch shell := c.Args().First(); {
	case c.NArg() != 1:
		return cli.Exit("aiosyslogd completion: name one shell: bash, zsh or fish", 2)
	case shell == "bash" || shell == "zsh":
		b, err := completions.ReadFile("completion/aiosyslogd." + shell)
		if err != nil {
			return fmt.Errorf("completion script for %s: %w", shell, err)
		}
		script = string(b)
	case shell == "fish":
		s, err := c.App.ToFishCompletion()
		if err != nil {
			return fmt.Errorf("fish completion: %w", err)
		}
		script = s
	default:
		return cli.Exit(fmt.Sprintf("aiosyslogd completion: %q: want bash, zsh or fish", shell), 2)
	}
	_, err := fmt.Fprint(c.App.Writer, script)
	return err
}
