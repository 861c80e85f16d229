package user

import (
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
)

// vector is one entry of testdata/werkzeug_vectors.json, made with Python's
// hashlib by testdata/make_vectors.py (and checked there with werkzeug).
type vector struct {
	Note     string `json:"note"`
	Password string `json:"password"`
	Hash     string `json:"hash"`
}

func readVectors(t *testing.T) []vector {
	t.Helper()
	data, err := os.ReadFile("testdata/werkzeug_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 10 {
		t.Fatalf("%d vectors, want the 13 make_vectors.py writes", len(vs))
	}
	return vs
}

func TestVerifyPasswordWerkzeugVectors(t *testing.T) {
	kinds := map[string]bool{}
	for _, v := range readVectors(t) {
		kinds[strings.SplitN(v.Hash, "$", 2)[0]] = true
		t.Run(v.Note, func(t *testing.T) {
			t.Parallel() // a million PBKDF2 rounds take seconds under -race
			ok, err := VerifyPassword(v.Hash, v.Password)
			if err != nil || !ok {
				t.Fatalf("VerifyPassword(%q, %q) = %v, %v; want true", v.Hash, v.Password, ok, err)
			}
			// A wrong password costs what a right one does; PBKDF2 with
			// 150,000 rounds and more takes seconds under -race, so those
			// are checked with the right one only.
			method := strings.SplitN(v.Hash, "$", 2)[0]
			if strings.HasPrefix(method, "pbkdf2") && !strings.HasSuffix(method, ":1000") {
				return
			}
			if ok, err := VerifyPassword(v.Hash, v.Password+"x"); ok || err != nil {
				t.Errorf("wrong password: %v, %v; want false, nil", ok, err)
			}
		})
	}
	for _, want := range []string{"scrypt", "scrypt:32768:8:1", "pbkdf2", "pbkdf2:sha256", "pbkdf2:sha256:600000", "pbkdf2:sha512:1000"} {
		if !kinds[want] {
			t.Errorf("no vector for method %q", want)
		}
	}
}

func TestVerifyPasswordRejects(t *testing.T) {
	// A valid cheap hash of "pw" to mutate; the digest comes from Python:
	// hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1).hex()
	const good = "pbkdf2:sha256:1$salt$" + "6f4ad8c78ec365c060e648eb694ee40dea58484b0371fbd61715ac4410b7380a"
	if ok, err := VerifyPassword(good, "pw"); !ok || err != nil {
		t.Fatalf("base hash: %v, %v", ok, err)
	}
	tests := []struct {
		name, hash  string
		unsupported bool // an error wrapping ErrUnsupportedHash, else a plain false
	}{
		{"empty", "", true},
		{"no dollar", "pbkdf2:sha256:1", true},
		{"one dollar", "pbkdf2:sha256:1$salt", true},
		{"plain method (gone from werkzeug 3)", "plain$$pw", true},
		{"md5 method", "md5$salt$" + strings.Repeat("0", 32), true},
		{"unknown pbkdf2 hash", "pbkdf2:whirlpool:1$salt$00", true},
		{"empty pbkdf2 hash", "pbkdf2:$salt$00", true},
		{"pbkdf2 iterations not a number", "pbkdf2:sha256:many$salt$00", true},
		{"pbkdf2 zero iterations", "pbkdf2:sha256:0$salt$00", true},
		{"pbkdf2 three arguments", "pbkdf2:sha256:1:2$salt$00", true},
		{"pbkdf2 too costly", "pbkdf2:sha256:1000000000$salt$00", true},
		{"scrypt two arguments", "scrypt:16:1$salt$00", true},
		{"scrypt empty argument", "scrypt:$salt$00", true},
		{"scrypt N not a power of two", "scrypt:1000:8:1$salt$00", true},
		{"scrypt too much memory", "scrypt:16777216:8:1$salt$00", true},
		{"scrypt too much work", "scrypt:1048576:1:64$salt$00", true},
		{"method in upper case", strings.ToUpper(good), true},
		{"digest changed", good[:len(good)-1] + "9", false},
		{"digest cut short", good[:len(good)-2], false},
		{"salt changed", strings.Replace(good, "$salt$", "$Salt$", 1), false},
		{"upper-case hex digest", good[:21] + strings.ToUpper(good[21:]), false},
		{"iterations changed", strings.Replace(good, ":1$", ":2$", 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(tt.hash, "pw")
			if ok {
				t.Fatalf("VerifyPassword(%q) matched", tt.hash)
			}
			if got := errors.Is(err, ErrUnsupportedHash); got != tt.unsupported {
				t.Errorf("err = %v; want ErrUnsupportedHash: %v", err, tt.unsupported)
			}
		})
	}
}

func TestVerifyPasswordTooLong(t *testing.T) {
	hash, err := hashScrypt(strings.Repeat("a", maxPasswordBytes+1), "salt", 16, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := VerifyPassword(hash, strings.Repeat("a", maxPasswordBytes+1)); ok {
		t.Error("a password over the limit was checked")
	}
}

func TestHashPasswordIsWerkzeugDefault(t *testing.T) {
	hash, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	format := regexp.MustCompile(`^scrypt:32768:8:1\$[a-zA-Z0-9]{16}\$[0-9a-f]{128}$`)
	if !format.MatchString(hash) {
		t.Fatalf("HashPassword = %q; want werkzeug's scrypt:32768:8:1$SALT16$HEX128", hash)
	}
	if ok, err := VerifyPassword(hash, "correct horse"); !ok || err != nil {
		t.Errorf("own hash does not verify: %v, %v", ok, err)
	}
	if ok, _ := VerifyPassword(hash, "correct horsE"); ok {
		t.Error("own hash verifies a wrong password")
	}
}

func TestRandomStringUsesWholeAlphabet(t *testing.T) {
	s, err := randomString(4000, saltChars)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 4000 {
		t.Fatalf("len = %d", len(s))
	}
	for _, c := range saltChars {
		if !strings.ContainsRune(s, c) {
			t.Errorf("%q never drawn in 4000", c)
		}
	}
	if strings.Trim(s, saltChars) != "" {
		t.Errorf("characters outside the alphabet: %q", strings.Trim(s, saltChars))
	}
}
