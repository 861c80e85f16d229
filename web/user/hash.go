package user

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// werkzeug's defaults (werkzeug.security, 3.1): what a hash means when it
// leaves its parameters out, and what new hashes use.
const (
	scryptN          = 1 << 15
	scryptR          = 8
	scryptP          = 1
	scryptKeyLen     = 64 // hashlib.scrypt's default dklen
	pbkdf2Iterations = 1_000_000
	saltLength       = 16
	saltChars        = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// Limits on the cost of one verification. werkzeug has none, but a hash
// beyond them would let one login take minutes or gigabytes: the defaults are
// far below (32 MiB, 2^18 scrypt block mixes, a million PBKDF2 rounds).
const (
	maxScryptMemory  = 1 << 30 // 128·N·r bytes
	maxScryptWork    = 1 << 24 // N·r·p
	maxPBKDF2Rounds  = 100_000_000
	maxPasswordBytes = 4096
)

// newHashCost is the scrypt N, r and p of new hashes: werkzeug's default.
// Only tests change it, to keep many hashes quick under the race detector.
var newHashCost = [3]int{scryptN, scryptR, scryptP}

// ErrUnsupportedHash is returned by VerifyPassword for a hash that is not
// werkzeug's scrypt or pbkdf2 format, or whose parameters are out of range.
var ErrUnsupportedHash = errors.New("unsupported password hash")

// HashPassword hashes password the way werkzeug's generate_password_hash
// does by default: "scrypt:32768:8:1$SALT$HEX", with a 16-character salt.
func HashPassword(password string) (string, error) {
	salt, err := randomString(saltLength, saltChars)
	if err != nil {
		return "", err
	}
	return hashScrypt(password, salt, newHashCost[0], newHashCost[1], newHashCost[2])
}

func hashScrypt(password, salt string, n, r, p int) (string, error) {
	key, err := scrypt.Key([]byte(password), []byte(salt), n, r, p, scryptKeyLen)
	if err != nil {
		return "", fmt.Errorf("scrypt: %w", err)
	}
	return fmt.Sprintf("scrypt:%d:%d:%d$%s$%s", n, r, p, salt, hex.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches a werkzeug hash
// ("scrypt[:N:r:p]$salt$hex" or "pbkdf2[:hash[:iterations]]$salt$hex"). It
// follows werkzeug's check_password_hash: parameters left out take werkzeug
// 3.1's defaults and the hex digests are compared in constant time. A hash
// it cannot check is an error wrapping ErrUnsupportedHash, never a match.
func VerifyPassword(stored, password string) (bool, error) {
	if len(password) > maxPasswordBytes {
		return false, nil // no hash of ours was made from one this long
	}
	method, rest, ok := strings.Cut(stored, "$")
	salt, want, ok2 := strings.Cut(rest, "$")
	if !ok || !ok2 {
		return false, fmt.Errorf("%w: want method$salt$hash", ErrUnsupportedHash)
	}
	got, err := derive(method, salt, password)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1, nil
}

// derive computes the hex digest that method (the part before the first $)
// makes of password and salt.
func derive(method, salt, password string) (string, error) {
	// Like werkzeug's method.split(":"): "scrypt" has no arguments,
	// "scrypt:" has one empty one.
	name, params, hasArgs := strings.Cut(method, ":")
	var args []string
	if hasArgs {
		args = strings.Split(params, ":")
	}
	switch name {
	case "scrypt":
		return deriveScrypt(args, salt, password)
	case "pbkdf2":
		return derivePBKDF2(args, salt, password)
	}
	return "", fmt.Errorf("%w: method %q", ErrUnsupportedHash, name)
}

func deriveScrypt(args []string, salt, password string) (string, error) {
	n, r, p := scryptN, scryptR, scryptP
	if args != nil {
		v, err := positiveInts(args, 3)
		if err != nil {
			return "", fmt.Errorf("%w: scrypt takes N:r:p: %v", ErrUnsupportedHash, err)
		}
		n, r, p = v[0], v[1], v[2]
	}
	if int64(128)*int64(n)*int64(r) > maxScryptMemory || int64(n)*int64(r)*int64(p) > maxScryptWork {
		return "", fmt.Errorf("%w: scrypt:%d:%d:%d costs more than this server verifies", ErrUnsupportedHash, n, r, p)
	}
	key, err := scrypt.Key([]byte(password), []byte(salt), n, r, p, scryptKeyLen)
	if err != nil {
		return "", fmt.Errorf("%w: scrypt:%d:%d:%d: %v", ErrUnsupportedHash, n, r, p, err)
	}
	return hex.EncodeToString(key), nil
}

// pbkdf2Hashes are the hashlib names werkzeug passes on that Go has.
var pbkdf2Hashes = map[string]func() hash.Hash{
	"sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New,
	"sha384": sha512.New384, "sha512": sha512.New,
}

func derivePBKDF2(args []string, salt, password string) (string, error) {
	hashName, rounds := "sha256", pbkdf2Iterations
	switch len(args) {
	case 0:
	case 1:
		hashName = args[0]
	case 2:
		hashName = args[0]
		v, err := positiveInts(args[1:], 1)
		if err != nil {
			return "", fmt.Errorf("%w: pbkdf2 iterations: %v", ErrUnsupportedHash, err)
		}
		rounds = v[0]
	default:
		return "", fmt.Errorf("%w: pbkdf2 takes hash:iterations", ErrUnsupportedHash)
	}
	h, ok := pbkdf2Hashes[hashName]
	if !ok {
		return "", fmt.Errorf("%w: pbkdf2 hash %q", ErrUnsupportedHash, hashName)
	}
	if rounds > maxPBKDF2Rounds {
		return "", fmt.Errorf("%w: pbkdf2 with %d iterations costs more than this server verifies", ErrUnsupportedHash, rounds)
	}
	key, err := pbkdf2.Key(h, password, []byte(salt), rounds, h().Size())
	if err != nil {
		return "", fmt.Errorf("%w: pbkdf2: %v", ErrUnsupportedHash, err)
	}
	return hex.EncodeToString(key), nil
}

// positiveInts parses exactly want decimal integers greater than zero.
func positiveInts(args []string, want int) ([]int, error) {
	if len(args) != want {
		return nil, fmt.Errorf("%d values, want %d", len(args), want)
	}
	out := make([]int, want)
	for i, a := range args {
		v, err := strconv.Atoi(a)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%q is not a positive integer", a)
		}
		out[i] = v
	}
	return out, nil
}

// randomString returns n characters drawn uniformly from alphabet with
// crypto/rand.
func randomString(n int, alphabet string) (string, error) {
	// Bytes at or above the largest multiple of len(alphabet) are dropped
	// so that every character is equally likely.
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("random: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}
