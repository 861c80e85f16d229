#!/usr/bin/env python3
"""Write the werkzeug password-hash vectors that web/user's tests check.

The Go tests must not need Python, so the outputs are committed; run this
only to change them, from the repository root:

    python3 web/user/testdata/make_vectors.py

It writes web/user/testdata/werkzeug_vectors.json and
web/user/testdata/python_users.json (a users.json as the Python aiosyslogd
writes it: json.dump(..., indent=4)). Hashes are computed with hashlib the
way werkzeug.security computes them; the salts come from a seeded generator
so that a re-run writes the same files. When werkzeug is installed, every
vector is also checked with werkzeug.security.check_password_hash.

    python3 web/user/testdata/make_vectors.py --check USERS_JSON NAME PASSWORD

checks a users.json written by the Go code the way the Python aiosyslogd
reads it (aiosyslogd.auth.User.from_dict and check_password_hash).
"""

import hashlib
import json
import os
import random
import sys

SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(13)  # fixed: a re-run writes the same vectors


def salt(length=16):
    return "".join(rng.choice(SALT_CHARS) for _ in range(length))


def scrypt(password, n=None, r=None, p=None, salt_text=None):
    """werkzeug's scrypt[:n:r:p]$salt$hex; no n/r/p means 32768:8:1."""
    s = salt_text if salt_text is not None else salt()
    n_, r_, p_ = (n, r, p) if n else (2**15, 8, 1)
    h = hashlib.scrypt(
        password.encode(), salt=s.encode(), n=n_, r=r_, p=p_,
        maxmem=132 * n_ * r_ * p_,  # werkzeug's bound
    ).hex()  # dklen defaults to 64
    method = f"scrypt:{n}:{r}:{p}" if n else "scrypt"
    return f"{method}${s}${h}"


def pbkdf2(password, hash_name=None, iterations=None):
    """werkzeug's pbkdf2[:hash[:iterations]]$salt$hex; the defaults are
    sha256 and werkzeug 3.1's 1,000,000 iterations."""
    s = salt()
    h = hashlib.pbkdf2_hmac(
        hash_name or "sha256", password.encode(), s.encode(),
        iterations or 1_000_000,
    ).hex()  # dklen defaults to the digest size
    method = "pbkdf2"
    if hash_name:
        method += ":" + hash_name
        if iterations:
            method += f":{iterations}"
    return f"{method}${s}${h}"


def vectors():
    return [
        {"note": "werkzeug 3 default", "password": "correct horse battery staple",
         "hash": scrypt("correct horse battery staple", 32768, 8, 1)},
        {"note": "scrypt without parameters means 32768:8:1", "password": "s3cret",
         "hash": scrypt("s3cret")},
        {"note": "small scrypt, non-ASCII password", "password": "pässwörd ✓",
         "hash": scrypt("pässwörd ✓", 1024, 8, 1)},
        {"note": "scrypt with r and p other than the defaults", "password": "rp",
         "hash": scrypt("rp", 256, 4, 2)},
        {"note": "empty password", "password": "",
         "hash": scrypt("", 1024, 1, 1)},
        {"note": "salt of another length", "password": "long salt",
         "hash": scrypt("long salt", 1024, 1, 1, salt_text=salt(40))},
        {"note": "werkzeug 2.3 default", "password": "hunter2",
         "hash": pbkdf2("hunter2", "sha256", 600000)},
        {"note": "werkzeug 3.1 pbkdf2", "password": "hunter2",
         "hash": pbkdf2("hunter2", "sha256", 1_000_000)},
        {"note": "pbkdf2 without iterations means 1,000,000", "password": "no iterations",
         "hash": pbkdf2("no iterations", "sha256")},
        {"note": "pbkdf2 alone means sha256 and 1,000,000", "password": "bare",
         "hash": pbkdf2("bare")},
        {"note": "older werkzeug (0.x to 2.0)", "password": "legacy",
         "hash": pbkdf2("legacy", "sha256", 150000)},
        {"note": "pbkdf2 with sha512", "password": "sha512 ✓",
         "hash": pbkdf2("sha512 ✓", "sha512", 1000)},
        {"note": "pbkdf2 with sha1", "password": "sha1",
         "hash": pbkdf2("sha1", "sha1", 1000)},
    ]


def python_users():
    """A users.json with both hash kinds, as aiosyslogd.auth writes it."""
    def user(name, hash_, admin, enabled):
        return {"username": name, "password_hash": hash_,
                "is_admin": admin, "is_enabled": enabled}
    return {
        "admin": user("admin", scrypt("admin-from-python", 32768, 8, 1), True, True),
        "olduser": user("olduser", pbkdf2("pbkdf2-user", "sha256", 600000), False, True),
        "gone": user("gone", scrypt("disabled-user", 1024, 8, 1), False, False),
    }


def check_with_werkzeug(items):
    try:
        from werkzeug.security import check_password_hash
    except ImportError:
        print("werkzeug not installed: vectors not cross-checked", file=sys.stderr)
        return
    for v in items:
        assert check_password_hash(v["hash"], v["password"]), v["note"]
        assert not check_password_hash(v["hash"], v["password"] + "x"), v["note"]


def check_go_file(path, name, password):
    from werkzeug.security import check_password_hash
    with open(path) as f:
        data = json.load(f)
    users = {k: v for k, v in data.items()}  # aiosyslogd.auth: one User per key
    u = users[name]
    assert u.get("username") == name, u
    assert u.get("is_enabled", True), "disabled"
    assert check_password_hash(u.get("password_hash"), password), "password"
    mode = os.stat(path).st_mode & 0o777
    print(f"{path}: {name} verifies with werkzeug; {len(users)} users; mode {mode:o}")


def write(name, data):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(data, f, indent=4, ensure_ascii=False)
        f.write("\n")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--check":
        check_go_file(*sys.argv[2:])
        return
    items = vectors()
    check_with_werkzeug(items)
    write("werkzeug_vectors.json", items)
    users = python_users()
    # the Python project writes with json.dump(data, f, indent=4)
    with open(os.path.join(HERE, "python_users.json"), "w") as f:
        json.dump(users, f, indent=4)


if __name__ == "__main__":
    main()
