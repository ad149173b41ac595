#!/bin/bash
# Profile one harness run with perf over the whole machine, JIT frames included.
#
#   globalval-benchmarks/scripts/perf-profile.sh JAR OUT [harness arguments...]
#   e.g. perf-profile.sh globalval-benchmarks/target/globalval-benchmarks.jar target/profile \
#        --runs=1 --systems=globalval --U=2000000 T
#
# Writes OUT.jsonl and OUT.log (the harness's), OUT.data (perf) and OUT.txt (perf script).
# Every 3 s each child JVM writes its JIT symbols to the perf map that perf reads
# (jcmd Compiler.perfmap), so code compiled in a process's last 3 s has no name. Then
# summarise one process's measured phase with perf-phase.py (BENCHMARKS.md, "Session of
# 2026-12-02, fifth"); the child JVMs' pids are printed at the end.
set -euo pipefail
JAR=$1; OUT=$2; shift 2
java -jar "$JAR" --child-opts="-Xms256m -Xmx1g -XX:+PreserveFramePointer" --out="$OUT.jsonl" "$@" > "$OUT.log" 2>&1 &
HARNESS=$!
perf record -F 499 -a -g -o "$OUT.data" > /dev/null 2>&1 &
PERF=$!
CHILDREN=""
while kill -0 "$HARNESS" 2> /dev/null; do
	for pid in $(pgrep -f "io.globalval.benchmarks.harness.ChildMain" || true); do
		jcmd "$pid" Compiler.perfmap > /dev/null 2>&1 || true
		case " $CHILDREN " in *" $pid "*) ;; *) CHILDREN="$CHILDREN $pid" ;; esac
	done
	sleep 3
done
kill -INT "$PERF"
wait "$PERF" || true
perf script -i "$OUT.data" -F pid,tid,comm,time,ip,sym,dso > "$OUT.txt" 2> /dev/null
echo "perf samples: $OUT.txt; child JVMs:$CHILDREN"
