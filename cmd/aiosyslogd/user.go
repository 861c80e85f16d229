package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// userCommand is `aiosyslogd user`: the web UI's users, in the users file
// that `aiosyslogd web` reads (and re-reads when it changes, so a change
// here takes effect without a restart).
func userCommand() *cli.Command {
	sub := func(verb, args, usage string, action cli.ActionFunc, flags ...cli.Flag) *cli.Command {
		return &cli.Command{
			Name: verb, Usage: usage, ArgsUsage: args, Action: action, HideHelpCommand: true,
			Flags: append(flags, usersFileFlag(nil)),
			OnUsageError: func(c *cli.Context, err error, _ bool) error {
				return cli.Exit("aiosyslogd user "+verb+": "+err.Error(), 2)
			},
		}
	}
	cmd := newCommand("user", "", runUserUnknown, usersFileFlag([]string{"AIOSYSLOGD_USERS_FILE"}))
	cmd.HideHelpCommand = true
	cmd.Subcommands = []*cli.Command{
		sub("add", "NAME", "add a user (asks for the password)", runUserAdd,
			&cli.BoolFlag{Name: "admin", Usage: "the user may manage users in the web UI"}),
		sub("passwd", "NAME", "set a user's password (asks for it); ends their sessions and token", runUserPasswd),
		sub("disable", "NAME", "stop a user from logging in; ends their sessions and token for good", runUserEnabled(false)),
		sub("enable", "NAME", "let a disabled user log in again", runUserEnabled(true)),
		sub("del", "NAME", "delete a user, and their token", runUserDel),
		sub("list", "", "list the users", runUserList),
		sub("token", "NAME", "make an API token for scripts (shown once; replaces the old one)", runUserToken,
			&cli.BoolFlag{Name: "revoke", Usage: "remove the user's token instead, and end their sessions"}),
	}
	return cmd
}

// usersFileFlag is --users-file. Each subcommand has it too, so that it
// may come after the subcommand's name; only `user`'s reads the
// environment, so that a flag typed anywhere wins over it.
func usersFileFlag(env []string) cli.Flag {
	return &cli.StringFlag{
		Name:    "users-file",
		Usage:   "the users `FILE` (default: web_server.users_file, users.json)",
		EnvVars: env,
	}
}

// usersFilePath is the users file the user commands work on: --users-file
// or AIOSYSLOGD_USERS_FILE, else web_server.users_file of the
// configuration (users.json by default), as aiosyslogd web reads it.
func usersFilePath(c *cli.Context) (string, error) {
	// c.Lineage() is the subcommand, then user: each String reads the
	// nearest command that defines the flag, which is that command itself.
	for _, ctx := range c.Lineage() {
		if p := ctx.String("users-file"); p != "" {
			return p, nil
		}
	}
	cfg, _, err := loadConfigNoCreate(c)
	if err != nil {
		return "", cli.Exit("aiosyslogd user: "+err.Error(), 2)
	}
	return cfg.Web.UsersFile, nil
}

// runUserUnknown runs for `aiosyslogd user` without a known subcommand.
func runUserUnknown(c *cli.Context) error {
	if c.Args().Present() {
		return cli.Exit(fmt.Sprintf("aiosyslogd user: no command %q (add, passwd, disable, enable, del, list, token)", c.Args().First()), 2)
	}
	return cli.ShowSubcommandHelp(c)
}

func runUserAdd(c *cli.Context) error {
	name, path, err := userTarget(c)
	if err != nil {
		return err
	}
	s, err := user.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s = nil // created once the password is in
	case err != nil:
		return userError(c, err)
	default:
		if _, err := s.Get(name); err == nil {
			return userError(c, fmt.Errorf("%w: %q", user.ErrExists, name))
		}
	}
	password, err := readNewPassword(c, name)
	if err != nil {
		return err
	}
	if s == nil {
		if s, err = user.Create(path); err != nil {
			return userError(c, err)
		}
	}
	if err := s.Add(name, password, c.Bool("admin")); err != nil {
		return userError(c, err)
	}
	role := "user"
	if c.Bool("admin") {
		role = "admin"
	}
	fmt.Fprintf(c.App.Writer, "added %s %q to %s\n", role, name, path)
	return nil
}

func runUserPasswd(c *cli.Context) error {
	s, name, err := openForUser(c)
	if err != nil {
		return err
	}
	password, err := readNewPassword(c, name)
	if err != nil {
		return err
	}
	if err := s.SetPassword(name, password); err != nil {
		return userError(c, err)
	}
	fmt.Fprintf(c.App.Writer, "changed the password of %q in %s (their sessions and API token are ended)\n", name, s.Path())
	return nil
}

func runUserEnabled(enabled bool) cli.ActionFunc {
	return func(c *cli.Context) error {
		s, name, err := openForUser(c)
		if err != nil {
			return err
		}
		if err := s.SetEnabled(name, enabled); err != nil {
			return userError(c, err)
		}
		state := "enabled"
		if !enabled {
			state = "disabled"
		}
		fmt.Fprintf(c.App.Writer, "%s %q in %s\n", state, name, s.Path())
		warnNoAdmin(c, s)
		return nil
	}
}

func runUserDel(c *cli.Context) error {
	s, name, err := openForUser(c)
	if err != nil {
		return err
	}
	if err := s.Delete(name); err != nil {
		return userError(c, err)
	}
	fmt.Fprintf(c.App.Writer, "deleted %q from %s\n", name, s.Path())
	warnNoAdmin(c, s)
	return nil
}

func runUserList(c *cli.Context) error {
	if _, err := userArgs(c, 0); err != nil {
		return err
	}
	path, err := usersFilePath(c)
	if err != nil {
		return err
	}
	s, err := user.Open(path)
	if err != nil {
		return userError(c, err)
	}
	users, err := s.List()
	if err != nil {
		return userError(c, err)
	}
	w := tabwriter.NewWriter(c.App.Writer, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tROLE\tSTATUS\tTOKEN")
	for _, u := range users {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", u.Name, pick(u.Admin, "admin", "user"),
			pick(u.Enabled, "enabled", "disabled"), pick(u.HasToken, "yes", "-"))
	}
	return w.Flush()
}

func runUserToken(c *cli.Context) error {
	s, name, err := openForUser(c)
	if err != nil {
		return err
	}
	if c.Bool("revoke") {
		if err := s.RevokeToken(name); err != nil {
			return userError(c, err)
		}
		fmt.Fprintf(c.App.Writer, "revoked the API token of %q and ended their sessions\n", name)
		return nil
	}
	token, err := s.NewToken(name)
	if err != nil {
		return userError(c, err)
	}
	// The token alone on stdout, for TOKEN=$(aiosyslogd user token bob).
	fmt.Fprintln(c.App.Writer, token)
	fmt.Fprintf(c.App.ErrWriter, "API token of %q (shown only now; any earlier one no longer works).\n"+
		"Send it as: Authorization: Bearer TOKEN\n", name)
	return nil
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// userTarget returns the NAME argument and the users file.
func userTarget(c *cli.Context) (name, path string, err error) {
	args, err := userArgs(c, 1)
	if err != nil {
		return "", "", err
	}
	path, err = usersFilePath(c)
	return args[0], path, err
}

// openForUser opens the users file for a command on an existing user, and
// checks that the user exists before a password is asked for.
func openForUser(c *cli.Context) (*user.Store, string, error) {
	name, path, err := userTarget(c)
	if err != nil {
		return nil, "", err
	}
	s, err := user.Open(path)
	if err == nil {
		_, err = s.Get(name)
	}
	if err != nil {
		return nil, "", userError(c, err)
	}
	return s, name, nil
}

// userError turns a store error into the command's exit: status 2 for the
// user's mistakes, 1 for a file that cannot be read or written.
func userError(c *cli.Context, err error) error {
	prefix := "aiosyslogd user " + c.Command.Name + ": "
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return cli.Exit(prefix+err.Error()+" (aiosyslogd user add NAME creates it; --users-file names another)", 2)
	case errors.Is(err, user.ErrNotFound), errors.Is(err, user.ErrExists),
		errors.Is(err, user.ErrInvalidName), errors.Is(err, user.ErrWeakPassword):
		return cli.Exit(prefix+err.Error(), 2)
	}
	return cli.Exit(prefix+err.Error(), 1)
}

// warnNoAdmin says so when no enabled admin is left to manage users in the
// web UI; the CLI can still make one.
func warnNoAdmin(c *cli.Context, s *user.Store) {
	users, err := s.List()
	if err != nil {
		return
	}
	for _, u := range users {
		if u.Admin && u.Enabled {
			return
		}
	}
	fmt.Fprintf(c.App.ErrWriter, "warning: no enabled admin is left in %s; aiosyslogd user add NAME --admin makes one\n", s.Path())
}

// userArgs returns the command's arguments, which must be want of them,
// and applies the flags typed among them (see positionalArgs).
func userArgs(c *cli.Context, want int) ([]string, error) {
	usage := func(msg string) error {
		return cli.Exit(fmt.Sprintf("aiosyslogd user %s: %s (usage: %s)",
			c.Command.Name, msg, strings.TrimSpace("aiosyslogd user "+c.Command.Name+" "+c.Command.ArgsUsage)), 2)
	}
	args, err := positionalArgs(c, false)
	if err != nil {
		return nil, usage(err.Error())
	}
	switch {
	case len(args) == want:
	case want == 0:
		return nil, usage(fmt.Sprintf("takes no arguments, got %q", args))
	case len(args) == 0:
		return nil, usage("no NAME")
	default:
		return nil, usage(fmt.Sprintf("one NAME, got %q", args))
	}
	return args, nil
}
