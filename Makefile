# aiosyslogd — make targets. `make help` lists them.

SQLC_VERSION := v1.31.1
GOBIN        := $(shell go env GOPATH)/bin
SQLC         := $(GOBIN)/sqlc
BIN          := bin/aiosyslogd
FUZZTIME     ?= 10s

.PHONY: help build test generate verify run fuzz bench bench-search tools clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: ## build bin/aiosyslogd
	go build -o $(BIN) ./cmd/aiosyslogd

test: ## run every test, with the race detector
	go test -race -count=1 ./...

generate: $(SQLC) ## regenerate db/ from sql/ with sqlc
	$(SQLC) generate

verify: $(SQLC) ## fail when db/ is stale, code is unformatted or go vet complains
	$(SQLC) diff
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go vet ./...

run: build ## start the daemon with ./aiosyslogd.toml (written with defaults if missing)
	./$(BIN) serve

fuzz: ## run each fuzzer for FUZZTIME (10s)
	@set -e; for pkg in $$(go list ./...); do \
	  for f in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f"; \
	    go test $$pkg -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME); \
	  done; \
	done

bench: build ## drive the real daemon (Go load; loggen over UDP and TCP if installed), then the Go benchmarks
	go build -o bin/aiosyslogd-bench ./cmd/aiosyslogd-bench
	./bin/aiosyslogd-bench -bin $(BIN) -scenario idle
	./bin/aiosyslogd-bench -bin $(BIN) -scenario sustained -rate 60000 -duration 60s
	./bin/aiosyslogd-bench -bin $(BIN) -scenario burst -rate 150000 -count 1000000
	@if command -v loggen >/dev/null; then \
	  ./bin/aiosyslogd-bench -bin $(BIN) -scenario loggen -rate 60000 -duration 60s; \
	  ./bin/aiosyslogd-bench -bin $(BIN) -scenario loggen-tcp -rate 100000 -duration 30s; \
	else echo "loggen not installed (.ci/install-syslog-ng unpacks it): skipping its runs"; fi
	go test -run '^$$' -bench . -benchmem ./syslog/
	go test -run '^$$' -bench WriteBatch -benchmem ./db/

bench-search: ## search benchmarks on a generated 10-million-row database (made once, minutes, ~4 GB)
	go test -run '^$$' -bench BenchmarkSearch -benchtime 200x ./db/

tools: $(SQLC) ## install the pinned sqlc

$(SQLC):
	go install github.com/sqlc-dev/sqlc/cmd/sqlc@$(SQLC_VERSION)

clean:
	rm -rf bin
