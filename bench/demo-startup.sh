#!/usr/bin/env bash
# Start-up time of the demo: seconds from exec of `sluice demo --no-console` to its first output
# (everything started), its first live line, and the first line showing delivered traffic. Quoted in BENCHMARKS.md ("Demo start-up").
#
#   swift build -c release --product sluice && bench/demo-startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=.build/release/sluice
runs=${1:-5}
[ -x "$binary" ] || { echo "build first: swift build -c release --product sluice" >&2; exit 2; }
for run in $(seq 1 "$runs"); do
    start=$(date +%s.%N)
    banner="" first="" delivered=""
    while IFS= read -r line; do
        now=$(date +%s.%N)
        [ -z "$banner" ] && banner=$(awk "BEGIN { print $now - $start }")
        case "$line" in
            *" in "*"/s  delivered "*)
                [ -z "$first" ] && first=$(awk "BEGIN { print $now - $start }")
                if [ -z "$delivered" ] && ! [[ "$line" == *"delivered 0/s"* ]]; then
                    delivered=$(awk "BEGIN { print $now - $start }")
                fi
                ;;
        esac
    done < <("$binary" demo --no-console --duration 4s)
    printf 'run %d: started %.2f s, first live line %.2f s, first delivered traffic %.2f s\n' "$run" "$banner" "$first" "$delivered"
done
