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

.PHONY: all build demo test check lint unit bench bench-ingest deps clean

all: build

deps:
	$(GO) mod download

build: deps
	$(GO) build $(GOTAGS) -o $(BIN) ./cmd/zhuqi

# The main job: sample exports → out/zhuqi.duckdb → reports under out/.
demo: build
	./$(BIN) demo --out out

test: check unit

# gofmt, go vet and staticcheck must be clean.
check: deps
	@files=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$files" ]; then echo "gofmt would change: $$files"; exit 1; fi
	$(GO) vet $(GOTAGS) ./...
	@command -v staticcheck >/dev/null 2>&1 || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" staticcheck $(GOTAGS) ./...

unit: deps
	$(GO) test $(GOTAGS) -count=1 ./...

# Benchmarks: Go's testing.B per package, then the whole-run ingest benchmark on
# generated data (see bench/README in cmd/zhuqi/bench_test.go).
bench: build
	$(GO) test $(GOTAGS) -run '^$$' -bench . -benchmem ./...
	ZHUQI_BENCH=1 $(GO) test $(GOTAGS) -run '^$$' -bench 'BenchmarkIngestWhole|BenchmarkQueriesMonth|BenchmarkExportParquet' -benchtime 1x -timeout 120m ./cmd/zhuqi/

clean:
	rm -rf bin out
