# aiosyslogd — make targets. `make help` lists them.

SQLC_VERSION := v1.31.1
GOBIN        := $(shell go env GOPATH)/bin
SQLC         := $(GOBIN)/sqlc
BIN          := bin/aiosyslogd
FUZZTIME     ?= 10s
# Go 1.26's fuzzing coordinator can fail a target with "context deadline
# exceeded" when -fuzztime runs out (golang/go#75804, fixed in 1.27): make
# fuzz runs with 1.27, which the go command fetches from the module proxy.
FUZZ_GOTOOLCHAIN ?= go1.27.3

# The end-to-end tests' peers that .ci/install-peers unpacked without root
# come first.
export PATH := $(CURDIR)/.peers/bin:$(PATH)

# What --version says: the nearest tag (or the commit) and the commit.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)

# make install: PREFIX for the program, /etc for its configuration.
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     := $(PREFIX)/bin
UNITDIR    := $(PREFIX)/lib/systemd/system
SHAREDIR   := $(PREFIX)/share
SYSCONFDIR ?= /etc

# make deb: a Debian version from the tag (v1.2.3 → 1.2.3) or the commit.
DEB_VERSION ?= $(shell v=$$(git describe --tags --exact-match 2>/dev/null | sed 's/^v//'); \
  [ -n "$$v" ] || v=0.0~git$$(git log -1 --format=%cd --date=format:%Y%m%d%H%M%S 2>/dev/null).$$(git rev-parse --short HEAD 2>/dev/null); echo "$$v")
DEB_ARCH    ?= $(shell dpkg --print-architecture 2>/dev/null || go env GOARCH)
DEB         := bin/aiosyslogd_$(DEB_VERSION)_$(DEB_ARCH).deb

.PHONY: help build test peers generate verify verify-units run fuzz bench bench-postgresql bench-search bench-web tools install deb clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: ## build bin/aiosyslogd (static, with the version and commit)
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/aiosyslogd

test: peers ## run every test, unit and end-to-end (-tags e2e), with the race detector
	go test -race -tags e2e -count=1 -timeout 45m ./...
	go test -count=1 -run Allocs ./db/search/query/ # allocation counts: sync.Pool drops items under -race

peers: ## install (root) or unpack into .peers/ (not root) the end-to-end tests' peers, on Debian
	.ci/install-peers

generate: $(SQLC) ## regenerate db/sqlite/internal/dbsqlc/ and db/postgres/internal/pgsqlc/ from sql/ with sqlc
	$(SQLC) generate

verify: $(SQLC) ## fail when db/sqlite/internal/dbsqlc/ or db/postgres/internal/pgsqlc/ is stale, code is unformatted or go vet complains
	$(SQLC) diff
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go vet ./...
	go vet -tags e2e ./...

run: build ## start the daemon with ./aiosyslogd.toml (written with defaults if missing)
	./$(BIN) serve

fuzz: ## run each fuzzer for FUZZTIME (10s), with Go FUZZ_GOTOOLCHAIN
	@set -e; for pkg in $$(go list ./...); do \
	  for f in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f"; \
	    GOTOOLCHAIN=$(FUZZ_GOTOOLCHAIN) go test $$pkg -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME); \
	  done; \
	done

bench: build ## drive the real daemon (Go load; 64 KB messages over TCP; loggen over UDP and TCP, and the same load against syslog-ng and VictoriaLogs, if installed: one table), then the Go benchmarks
	go build -o bin/aiosyslogd-bench ./cmd/aiosyslogd-bench
	./bin/aiosyslogd-bench -bin $(BIN) -scenario idle
	./bin/aiosyslogd-bench -bin $(BIN) -scenario sustained -rate 60000 -duration 60s
	./bin/aiosyslogd-bench -bin $(BIN) -scenario burst -rate 150000 -count 1000000
	./bin/aiosyslogd-bench -bin $(BIN) -scenario alerts -rules 50 -rate 20000 -count 1000000
	./bin/aiosyslogd-bench -bin $(BIN) -scenario large-tcp -rate 1600 -duration 60s
	@if command -v loggen >/dev/null; then \
	  ./bin/aiosyslogd-bench -bin $(BIN) -scenario loggen -rate 60000 -duration 60s; \
	  ./bin/aiosyslogd-bench -bin $(BIN) -scenario loggen-tcp -rate 100000 -duration 30s; \
	else echo "loggen not installed (.ci/install-syslog-ng unpacks it): skipping its runs"; fi
	@if command -v loggen >/dev/null; then \
	  ./bin/aiosyslogd-bench -bin $(BIN) -scenario compare -runs 60000x15s,100000x60s; \
	else echo "loggen not installed (.ci/install-syslog-ng unpacks it): skipping the comparison"; fi
	go test -run '^$$' -bench . -benchmem ./syslog/
	go test -run '^$$' -bench WriteBatch -benchmem ./db/sqlite/

# make bench-postgresql: the rows of the search benchmark (SQLite's
# make bench-search has 10 million).
PG_BENCH_ROWS ?= 1000000

bench-postgresql: build ## one and two daemons storing in PostgreSQL (PG_DSN: a database, e.g. PG_DSN='host=/var/run/postgresql dbname=bench'; rows already there are left out), the write and search benchmarks (the test cluster)
	@[ -n "$(PG_DSN)" ] || { echo "bench-postgresql: set PG_DSN to an empty database's DSN"; exit 2; }
	go build -o bin/aiosyslogd-bench ./cmd/aiosyslogd-bench
	./bin/aiosyslogd-bench -bin $(BIN) -scenario collectors -collectors 1 -rate 20000 -duration 20s -postgresql '$(PG_DSN)'
	./bin/aiosyslogd-bench -bin $(BIN) -scenario collectors -collectors 2 -rate 20000 -duration 20s -postgresql '$(PG_DSN)'
	go test -tags e2e -run '^$$' -bench WriteBatch -benchmem ./db/postgres/
	AIOSYSLOGD_BENCH_ROWS=$(PG_BENCH_ROWS) go test -tags e2e -run '^$$' -bench BenchmarkSearch -benchtime 10x -timeout 60m ./db/postgres/

bench-search: ## search benchmarks on a generated 10-million-row database (made once, minutes, ~4 GB)
	go test -run '^$$' -bench BenchmarkSearch -benchtime 200x ./db/sqlite/

bench-web: bench-search ## histogram, facets, the API and the page in Chromium, on the same database
	go test -run '^$$' -bench BenchmarkSummary -benchtime 20x ./db/sqlite/
	go test -run '^$$' -bench . -benchtime 20x ./web/

install: build ## install the binary, the systemd units, completions and /etc/aiosyslogd/aiosyslogd.toml (kept if present) under DESTDIR, PREFIX
	install -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/aiosyslogd \
	  $(DESTDIR)$(SHAREDIR)/doc/aiosyslogd $(DESTDIR)$(SHAREDIR)/bash-completion/completions \
	  $(DESTDIR)$(SHAREDIR)/zsh/vendor-completions $(DESTDIR)$(SHAREDIR)/fish/vendor_completions.d
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/aiosyslogd
	for unit in aiosyslogd.service aiosyslogd-web.service; do \
	  sed -e 's|/usr/bin/aiosyslogd|$(BINDIR)/aiosyslogd|' -e 's|/usr/share/doc/|$(SHAREDIR)/doc/|' \
	    dist/$$unit >$(DESTDIR)$(UNITDIR)/$$unit; \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit; \
	done
	[ -e $(DESTDIR)$(SYSCONFDIR)/aiosyslogd/aiosyslogd.toml ] || \
	  install -m 0644 dist/aiosyslogd.toml $(DESTDIR)$(SYSCONFDIR)/aiosyslogd/aiosyslogd.toml
	install -m 0644 README.md $(DESTDIR)$(SHAREDIR)/doc/aiosyslogd/README.md
	$(BIN) completion bash >$(DESTDIR)$(SHAREDIR)/bash-completion/completions/aiosyslogd
	$(BIN) completion zsh >$(DESTDIR)$(SHAREDIR)/zsh/vendor-completions/_aiosyslogd
	$(BIN) completion fish >$(DESTDIR)$(SHAREDIR)/fish/vendor_completions.d/aiosyslogd.fish
	chmod 0644 $(DESTDIR)$(SHAREDIR)/bash-completion/completions/aiosyslogd \
	  $(DESTDIR)$(SHAREDIR)/zsh/vendor-completions/_aiosyslogd $(DESTDIR)$(SHAREDIR)/fish/vendor_completions.d/aiosyslogd.fish

deb: ## build bin/aiosyslogd_VERSION_ARCH.deb with dpkg-deb: the files of make install, PREFIX=/usr
	rm -rf bin/deb
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(CURDIR)/bin/deb VERSION=$(DEB_VERSION)
	install -d -m 0755 bin/deb/DEBIAN
	sed -e 's/@VERSION@/$(DEB_VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' \
	  -e "s/@SIZE@/$$(du -sk --exclude=DEBIAN bin/deb | cut -f1)/" dist/debian/control >bin/deb/DEBIAN/control
	install -m 0644 dist/debian/conffiles bin/deb/DEBIAN/conffiles
	dpkg-deb --root-owner-group -Zxz --build bin/deb $(DEB)
	@echo "built $(DEB)"

verify-units: build ## systemd-analyze verify on both units, run from bin/aiosyslogd
	rm -rf bin/units && mkdir -p bin/units
	for unit in aiosyslogd.service aiosyslogd-web.service; do \
	  sed 's|/usr/bin/aiosyslogd|$(CURDIR)/$(BIN)|' dist/$$unit >bin/units/$$unit; \
	done
	systemd-analyze verify bin/units/aiosyslogd.service bin/units/aiosyslogd-web.service

tools: $(SQLC) ## install the pinned sqlc

$(SQLC):
	go install github.com/sqlc-dev/sqlc/cmd/sqlc@$(SQLC_VERSION)

clean:
	rm -rf bin
