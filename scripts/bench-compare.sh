#!/usr/bin/env bash
# bench-compare.sh OLD.test NEW.test [ROUNDS]  (make bench-compare BASE=REV)
# bench-compare.sh --summary results-STAMP.tsv [ROUNDS]   (the table again, from a TSV)
#
# Interleaved before/after run of the whole-run benchmarks of cmd/zhuqi (issue 22): the
# 1M UTF-8 first load, the next day (1% changed), the 10M first load and the month queries.
#
# OLD.test and NEW.test are `go test -tags duckdb_arrow -c ./cmd/zhuqi/` binaries. Each
# round runs three benchmarks, each in a process of its own, old then new in odd rounds and
# new then old in even ones:
#   1m   BenchmarkIngestWhole, ZHUQI_BENCH_ROUNDS=1 (1M first load, read_csv, next day,
#        GBK; XLSX shrunk to 2,001 tickets)
#   10m  BenchmarkIngestWhole with ZHUQI_BENCH_10M=1 and the 1M part shrunk to 1,000
#        tickets (10M first load and 10M next day, each its own child process)
#   q    BenchmarkQueriesMonth (10M tickets; warm median of 3 and a freshly opened run)
# Generated data is made once (round 0, a warm-up of each benchmark, not counted) and
# shared by both binaries: the ticket files by hard link; each binary builds its own 10M
# query database from them (schemas may differ), also in round 0.
#
# Env (smoke tests only): ZB_QUERY_TICKETS=N query database size (default 10000000),
# ZB_KINDS="1m 10m q" the benchmarks run (default all three, in that order),
# ZB_TICKETS=N the 1m benchmark's size (default 1000000), ZB_SKIP_10M=1 leave out the 10m benchmark.
# Env: ZB_WORK=DIR reuse (and keep) a work folder from an earlier run (its generated data;
# the query databases are rebuilt); ZB_KEEP=1 keep the work folder. Otherwise the work
# folder (under /tmp) is removed at the end. Figures go to $ZB_OUT (default out/bench-compare)/results-<stamp>.tsv,
# benchmark output to logs-<stamp>/ beside them.
set -u
# summarise TSV R: medians of rounds 1..R per figure and side, and the new/old ratios.
summarise() {
	local TSV=$1 R=$2
	awk -F'\t' -v R="$R" '
		NR > 1 && $2 > 0 { add($6, $4, $2, $7); if ($5 == "1m") x[$2 SUBSEP $4 SUBSEP $6] = $7 }
		function add(f, side, r, val) {
			key = f SUBSEP side; v[key] = v[key] " " val; rv[f SUBSEP side SUBSEP r] = val
			if (!(f in seen)) { seen[f] = 1; order[++n] = f }
		}
		function med(s,   a, k, i, j, t) {
			k = split(s, a, " "); if (k == 0) return ""
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
			return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		END {
			# Same-run ratios of the README targets (drift cancels within a run).
			for (r = 1; r <= R; r++) for (s = 0; s < 2; s++) {
				side = s ? "new" : "old"
				a = x[r SUBSEP side SUBSEP "first_1M"]; b = x[r SUBSEP side SUBSEP "readcsv_1M"]; c = x[r SUBSEP side SUBSEP "next_1M"]
				if (a > 0 && b > 0) add("first÷readcsv", side, r, sprintf("%.3f", a / b))
				if (a > 0 && c > 0) add("next÷first", side, r, sprintf("%.3f", c / a))
			}
			printf "%-16s %10s %10s %7s %8s  %s\n", "figure", "old", "new", "new/old", "pairs", "runs old | new; pairs = median of each round'"'"'s new/old"
			for (i = 1; i <= n; i++) {
				f = order[i]; o = med(v[f SUBSEP "old"]); w = med(v[f SUBSEP "new"])
				ratio = (o > 0) ? w / o : 0
				pr = ""
				for (r = 1; r <= R; r++) { a = rv[f SUBSEP "old" SUBSEP r]; b = rv[f SUBSEP "new" SUBSEP r]; if (a > 0 && b != "") pr = pr " " b / a }
				printf "%-16s %10s %10s %7.3f %8.3f  %s |%s %s\n", f, o, w, ratio, med(pr), v[f SUBSEP "old"], v[f SUBSEP "new"], (ratio <= 1.10 ? "ok" : "OVER 10%")
			}
		}' "$TSV"
}

if [ "${1:-}" = --summary ]; then # bench-compare.sh --summary results-STAMP.tsv ROUNDS
	summarise "$2" "${3:-3}"
	exit
fi
[ $# -ge 2 ] || { echo "usage: $0 OLD.test NEW.test [ROUNDS]" >&2; exit 2; }
OLD=$(realpath "$1"); NEW=$(realpath "$2"); R=${3:-3}
OUTDIR=$(realpath -m "${ZB_OUT:-out/bench-compare}")
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
TSV=$OUTDIR/results-$STAMP.tsv
LOGS=$OUTDIR/logs-$STAMP
mkdir -p "$LOGS"
if [ -n "${ZB_WORK:-}" ]; then WORK=$ZB_WORK; KEEP=1; else WORK=$(mktemp -d /tmp/zb.XXXXXX); KEEP=${ZB_KEEP:-}; fi
mkdir -p "$WORK/data/a/b" "$WORK/tmp"
cleanup() {
	if [ -z "$KEEP" ]; then rm -rf "$WORK"; else echo "kept work folder $WORK" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
T0=$(date +%s)
NQ=${ZB_QUERY_TICKETS:-10000000}
KINDS=${ZB_KINDS:-1m 10m q}
[ -z "${ZB_SKIP_10M:-}" ] || KINDS=${KINDS/10m/}

printf 'stamp\tround\tseq\tside\tbench\tfigure\tvalue\tunit\tload1\n' >"$TSV"
SEQ=0

# bench SIDE KIND ROUND: one benchmark process, its figures appended to the TSV.
bench() {
	local side=$1 kind=$2 round=$3 bin cwd log load t1 t2 figs
	[ "$side" = old ] && bin=$OLD || bin=$NEW
	SEQ=$((SEQ + 1))
	log=$LOGS/r${round}-$(printf %02d $SEQ)-$kind-$side.log
	load=$(cut -d' ' -f1 /proc/loadavg)
	local -a env=(ZHUQI_BENCH=1 TMPDIR="$WORK/tmp") args=(-test.run '^$' -test.benchtime 1x -test.timeout 120m)
	case $kind in
	1m) cwd=$WORK/data/a/b
		env+=(ZHUQI_BENCH_ROUNDS=1 ZHUQI_BENCH_TICKETS="${ZB_TICKETS:-1000000}" ZHUQI_BENCH_XLSX_TICKETS=2001)
		args+=(-test.bench '^BenchmarkIngestWhole$') ;;
	10m) cwd=$WORK/data/a/b
		env+=(ZHUQI_BENCH_10M=1 ZHUQI_BENCH_ROUNDS=1 ZHUQI_BENCH_TICKETS=1000 ZHUQI_BENCH_XLSX_TICKETS=2001)
		args+=(-test.bench '^BenchmarkIngestWhole$') ;;
	q|qgen) [ "$kind" = q ] && cwd=$WORK/$side/a/b || cwd=$WORK/data/a/b
		env+=(ZHUQI_BENCH_QUERY_TICKETS="$NQ")
		args+=(-test.bench '^BenchmarkQueriesMonth$') ;;
	esac
	t1=$(date +%s.%N)
	(cd "$cwd" && env "${env[@]}" "$bin" "${args[@]}") >"$log" 2>&1
	local rc=$?
	t2=$(date +%s.%N)
	if [ $rc -ne 0 ] || ! grep -q '^ok\|^PASS' "$log"; then
		printf 'r%s %-3s %-3s FAILED (exit %s), see %s\n' "$round" "$kind" "$side" "$rc" "$log" >&2
		return 1
	fi
	# Child-process lines: "  NAME   ROWS rows   SECS s   R rows/s   MIB MiB peak";
	# benchmark line: "BenchmarkQueriesMonth-2  1  NS ns/op  V unit ...".
	figs=$(perl -ne '
		BEGIN { $k = shift @ARGV }
		if (/^  (\S.*?)\s+\d+ rows\s+([\d.]+) s\s+\d+ rows\/s\s+(\d+) MiB peak/) {
			my ($n, $s, $m) = ($1, $2, $3); my $f;
			if ($k eq "1m") {
				$f = "first_1M" if $n eq "zhuqi ingest, UTF-8 CSV";
				$f = "next_1M" if $n =~ /^zhuqi ingest, next day \(/;
				$f = "readcsv_1M" if $n =~ /^duckdb read_csv/;
				$f = "gbk_1M" if $n eq "zhuqi ingest, GBK CSV";
			} else {
				$f = "first_10M" if $n eq "zhuqi ingest, UTF-8 CSV, 10M tickets";
				$f = "next_10M" if $n =~ /^zhuqi ingest, next day, 10M tickets/;
			}
			print "$f\t$s\ts\n$f.peak\t$m\tMiB\n" if $f;
		}
		if (/^BenchmarkQueriesMonth\S*\s+\d+\s+\d+ ns\/op\s+(.*)$/) {
			my %u = ("zhuqi-s/month" => "queries_warm", "zhuqi-first-s/month" => "queries_fresh",
			         "plain-s/month" => "plain_warm", "plain-first-s/month" => "plain_fresh");
			my @p = split /\s+/, $1;
			while (@p >= 2) { my ($v, $un) = splice(@p, 0, 2); print "$u{$un}\t$v\ts\n" if $u{$un}; }
		}' "$kind" "$log")
	if [ -z "$figs" ]; then
		printf 'r%s %-3s %-3s no figures found, see %s\n' "$round" "$kind" "$side" "$log" >&2
		return 1
	fi
	while IFS=$'\t' read -r f v u; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$STAMP" "$round" "$SEQ" "$side" "$kind" "$f" "$v" "$u" "$load" >>"$TSV"
	done <<<"$figs"
	printf 'r%s %-3s %-3s %5.0f s  %s\n' "$round" "$kind" "$side" "$(echo "$t2 - $t1" | bc)" \
		"$(grep -v '\.peak' <<<"$figs" | awk -F'\t' '{printf "%s=%s ", $1, $2}')" >&2
}

# sidedata SIDE: the side's own folder for the query database, whose ticket and fact files
# are hard links to the shared 10M sample.
sidedata() {
	local side=$1 src=$WORK/data/testdata/bench/t$NQ dst=$WORK/$1/testdata/bench/t$NQ
	rm -rf "$WORK/$side"
	mkdir -p "$WORK/$side/a/b" "$dst/variants"
	for f in "$src"/*.csv; do ln "$f" "$dst/"; done
	sed "s#$src/#$dst/#g" "$src/summary.json" >"$dst/summary.json"
}

echo "interleave: old=$OLD new=$NEW rounds=$R work=$WORK tsv=$TSV" >&2
# Round 0: generate the shared data and build each side's query database (not counted).
bench old 1m 0 || exit 1
# The 10M warm-up generates the 10M sample; with the sample there already it is left out.
if [[ " $KINDS " == *" 10m "* ]] && [ ! -f "$WORK/data/testdata/bench/t10000000/summary.json" ]; then
	bench old 10m 0 || exit 1
fi
if [[ " $KINDS " == *" q "* ]]; then
	if [ ! -f "$WORK/data/testdata/bench/t$NQ/summary.json" ]; then
		bench old qgen 0 || exit 1 # generates the sample; its database is not used
		rm -f "$WORK/data/testdata/bench/t$NQ"/zhuqi.duckdb*
	fi
	sidedata old; sidedata new
	bench old q 0 || exit 1
	bench new q 0 || exit 1
fi

for ((r = 1; r <= R; r++)); do
	if ((r % 2)); then order="old new"; else order="new old"; fi
	for kind in $KINDS; do
		for side in $order; do bench "$side" "$kind" "$r"; done
	done
done

T1=$(date +%s)
echo >&2
echo "medians of rounds 1..$R (seconds; peaks in MiB), new/old ratio; 'ok' = new within 10% of old:" >&2
summarise "$TSV" "$R" | tee "$OUTDIR/summary-$STAMP.txt" >&2
echo "whole script: $((T1 - T0)) s wall; figures in $TSV, logs in $LOGS" | tee -a "$OUTDIR/summary-$STAMP.txt" >&2
