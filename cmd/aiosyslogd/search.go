package main

import "github.com/urfave/cli/v2"

// searchCommand is a placeholder until the search helper lands its version.
func searchCommand() *cli.Command {
	return &cli.Command{Name: "search", Usage: "search what serve stored"}
}
