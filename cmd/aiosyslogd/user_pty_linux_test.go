//go:build e2e

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: what the test types into master
// arrives at slave, the command's stdin, and whatever the terminal echoes
// comes back on master.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// terminal collects what a pseudo-terminal's master side shows.
type terminal struct {
	t      *testing.T
	master *os.File
	chunks chan string
	seen   strings.Builder
}

func newTerminal(t *testing.T, master *os.File) *terminal {
	term := &terminal{t: t, master: master, chunks: make(chan string, 64)}
	go func() {
		defer close(term.chunks)
		buf := make([]byte, 1024)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				term.chunks <- string(buf[:n])
			}
			if err != nil {
				return // EIO once the command and the test closed the slave
			}
		}
	}()
	return term
}

// waitFor reads the screen until it shows want.
func (term *terminal) waitFor(want string) {
	term.t.Helper()
	deadline := time.After(60 * time.Second)
	for !strings.Contains(term.seen.String(), want) {
		select {
		case chunk, ok := <-term.chunks:
			if !ok {
				term.t.Fatalf("terminal closed before %q; it showed %q", want, term.seen.String())
			}
			term.seen.WriteString(chunk)
		case <-deadline:
			term.t.Fatalf("no %q within 60s; the terminal showed %q", want, term.seen.String())
		}
	}
}

func (term *terminal) rest() string {
	for chunk := range term.chunks {
		term.seen.WriteString(chunk)
	}
	return term.seen.String()
}

func TestUserCommandReadsPasswordFromTerminalWithoutEcho(t *testing.T) {
	t.Parallel() // mostly scrypt, one core each
	dir := t.TempDir()
	master, slave := openPTY(t)
	cmd := exec.Command(binPath, "user", "add", "tty-user")
	cmd.Dir, cmd.Env = dir, cleanEnv()
	cmd.Stdin, cmd.Stderr = slave, slave
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	term := newTerminal(t, master)
	// The prompt comes once echo is off; what is typed after it must not
	// come back.
	term.waitFor("New password for tty-user: ")
	master.Write([]byte("typed-secret-1\n"))
	term.waitFor("Repeat it: ")
	master.Write([]byte("typed-secret-1\n"))
	err := cmd.Wait()
	slave.Close() // the master's reader ends when the last slave is gone
	screen := term.rest()
	if err != nil {
		t.Fatalf("user add on a terminal: %v\n%s", err, screen)
	}
	if strings.Contains(screen, "typed-secret") {
		t.Errorf("the password was echoed:\n%q", screen)
	}
	if !strings.Contains(out.String(), `added user "tty-user"`) {
		t.Errorf("stdout %q", out.String())
	}
	if err := login(t, dir, "tty-user", "typed-secret-1"); err != nil {
		t.Errorf("the typed password: %v", err)
	}
	// Echo is back on for whatever runs next on the terminal.
	tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err == nil && tio.Lflag&unix.ECHO == 0 {
		t.Error("echo left off")
	}
}

func TestUserCommandTerminalPasswordsMustMatch(t *testing.T) {
	t.Parallel() // mostly scrypt, one core each
	dir := t.TempDir()
	master, slave := openPTY(t)
	cmd := exec.Command(binPath, "user", "add", "tty-user")
	cmd.Dir, cmd.Env = dir, cleanEnv()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	term := newTerminal(t, master)
	term.waitFor("New password for tty-user: ")
	master.Write([]byte("first-version\n"))
	term.waitFor("Repeat it: ")
	master.Write([]byte("second-version\n"))
	err := cmd.Wait()
	slave.Close()
	screen := term.rest()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(screen, "do not match") {
		t.Errorf("mismatched passwords: %v\n%s", err, screen)
	}
	if _, err := os.Stat(filepath.Join(dir, "users.json")); !os.IsNotExist(err) {
		t.Errorf("users.json made for a refused add: %v", err)
	}
}
