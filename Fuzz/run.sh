#!/usr/bin/env bash
# Builds the libFuzzer targets (release, with AddressSanitizer) and runs each for SECONDS (default
# 20) over its seed corpus in Corpus/; new inputs go to a scratch directory, crashes to
# $FUZZ_OUT (default /tmp/sluice-fuzz). Exits non-zero when a target crashes.
#   Fuzz/run.sh 600          # ten minutes each, as RELIABILITY.md reports
#   Fuzz/run.sh 20 Reports   # one target
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}
shift || true
targets=${*:-Reports Config Reply Control Command}
out=${FUZZ_OUT:-/tmp/sluice-fuzz}
mkdir -p "$out"
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
status=0
for target in $targets; do
  name=$(echo "$target" | tr 'A-Z' 'a-z')
  mkdir -p "$out/$name"
  if .build/release/Fuzz"$target" "$out/$name" "Corpus/$name" -max_total_time="$seconds" -rss_limit_mb=4096 \
       -artifact_prefix="$out/$name-" > "$out/$name.log" 2>&1; then
    echo "fuzz $target: $(grep -E '^Done' "$out/$name.log")"
  else
    echo "fuzz $target: FAILED, see $out/$name.log and $out/$name-*" >&2
    grep -E 'ERROR|SUMMARY|Fatal error' "$out/$name.log" | head -5 >&2
    status=1
  fi
done
exit $status
