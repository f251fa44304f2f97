# Zhuqi. `make demo` runs the main job on generated sample data and leaves its output
# under out/; `make test` checks and tests everything. Both install what they need.
#
# duckdb-go's Arrow interface builds only with the duckdb_arrow tag: every target uses it.

GO       ?= go
TAGS     := duckdb_arrow
GOTAGS   := -tags $(TAGS)
BIN      := bin/zhuqi
STATICCHECK_VERSION := v0.8.2

export CGO_ENABLED := 1

.PHONY: all build demo test check lint unit fuzz bench bench-ingest bench-compare deps tools clean

all: build

deps:
	$(GO) mod download

build: deps
	$(GO) build $(GOTAGS) -o $(BIN) ./cmd/zhuqi

# System tools the reports and their tests need: poppler-utils (pdftotext, pdffonts,
# pdftoppm) and a CJK TrueType font (fonts-droid-fallback). Installed only when missing,
# with sudo when not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FONT := /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf

tools:
	@command -v pdftotext >/dev/null || ($(SUDO) apt-get install -y -q poppler-utils || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q poppler-utils))
	@[ -n "$$ZHUQI_FONT" ] || [ -f $(FONT) ] || ($(SUDO) apt-get install -y -q fonts-droid-fallback || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q fonts-droid-fallback))

# The main job: sample exports → out/zhuqi.duckdb → reports under out/.
demo: tools build
	./$(BIN) demo --out out

test: check unit

# gofmt, go vet and staticcheck must be clean.
check: deps
	@files=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$files" ]; then echo "gofmt would change: $$files"; exit 1; fi
	$(GO) vet $(GOTAGS) ./...
	@command -v staticcheck >/dev/null 2>&1 || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" staticcheck $(GOTAGS) ./...

# Every package's tests, two packages at a time (UNIT_JOBS=1 for one at a time), each
# printing its tests as they finish (.ci/unit). Scale runs are benchmarks: make bench.
unit: deps tools
	GO="$(GO)" TAGS="$(TAGS)" ./.ci/unit
	$(MAKE) --no-print-directory fuzz FUZZTIME=3s

# Fuzz targets (go test -fuzz) of the CSV record scanner, the header matcher, the
# timestamp parser and the UTF-8 validator, one after another: a few seconds each in
# `make test`, FUZZTIME each here (e.g. make fuzz FUZZTIME=10m). A failing input is kept
# under the package's testdata/fuzz/ and rerun by every later go test. Each is
# package:target.
FUZZ_TARGETS := pipeline:FuzzCSVScanner pipeline:FuzzHeader pipeline/fastpath:FuzzParseTime pipeline:FuzzValidUTF8
FUZZTIME ?= 2m
fuzz: deps
	@for pf in $(FUZZ_TARGETS); do \
	  p=$${pf%%:*}; f=$${pf#*:}; \
	  echo "fuzz $$f ($$p) for $(FUZZTIME)"; \
	  $(GO) test $(GOTAGS) -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./$$p/ || exit 1; \
	done

# Benchmarks: Go's testing.B per package, then the whole-run ingest benchmark on
# generated data (see bench/README in cmd/zhuqi/bench_test.go).
bench: build
	$(GO) test $(GOTAGS) -run '^$$' -bench . -benchmem ./...
	ZHUQI_BENCH=1 $(GO) test $(GOTAGS) -run '^$$' -bench 'BenchmarkIngestWhole|BenchmarkQueriesMonth|BenchmarkExportParquet|BenchmarkMonthlySet' -benchtime 1x -timeout 120m ./cmd/zhuqi/

# Before and after: the whole-run benchmarks of git revision BASE and of the working tree,
# run interleaved on this machine (1M first load, next day, 10M first load, month
# queries; docs/benchmarks.md). ROUNDS rounds; figures under out/bench-compare/.
BASE ?= HEAD~1
ROUNDS ?= 3
bench-compare: deps
	@mkdir -p out/bench-compare
	@tmp=$$(mktemp -d) && git archive $(BASE) | tar -x -C $$tmp && \
	  (cd $$tmp && $(GO) test $(GOTAGS) -c -o $(CURDIR)/out/bench-compare/base.test ./cmd/zhuqi/) && \
	  rm -rf $$tmp
	$(GO) test $(GOTAGS) -c -o out/bench-compare/new.test ./cmd/zhuqi/
	cd /tmp && ZB_OUT=$(CURDIR)/out/bench-compare $(CURDIR)/scripts/bench-compare.sh \
	  $(CURDIR)/out/bench-compare/base.test $(CURDIR)/out/bench-compare/new.test $(ROUNDS)

clean:
	rm -rf bin out
