# `make run` and `make test` set up everything they need on a fresh
# Debian/Ubuntu machine (see scripts/deps.sh); with DATABASE_URL set they
# use that database instead of a local server.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO ?= go

ifeq ($(origin DATABASE_URL),undefined)
DATABASE_URL := postgres://postgres@127.0.0.1:5432/mia?sslmode=disable
DEPS_FLAGS := --local=mia
endif
export DATABASE_URL

.PHONY: run test deps build vet bench clean

deps:
	@scripts/deps.sh $(DEPS_FLAGS)

build:
	$(GO) build -o bin/mia ./cmd/mia

run: deps build
	bin/mia migrate
	bin/mia ingest corpus/sombor
	bin/mia ingest --municipality laktasi corpus/laktasi
	bin/mia serve --addr $${MIA_ADDR:-127.0.0.1:8080}

vet:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi

test: vet
	@scripts/deps.sh --browser $(DEPS_FLAGS)
	$(GO) test -race -count=1 ./...

bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 3x ./...

clean:
	rm -rf bin
