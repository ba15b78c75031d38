#!/bin/sh
# Runs the built hub (dist/hub.js, from `npm run build`) the one way production runs it: `npm start`,
# the Docker image, the benchmarks and the start-up test all come through here. Arguments go to the
# hub (`npm start -- --demo`). Node flags go in NODE_OPTIONS, or in HUB_NODE_ARGS (split at spaces, put
# on node's command line) for those NODE_OPTIONS refuses, such as --cpu-prof and --trace-gc.
#
# HUB_HEAP_MB caps V8's old space (default 240). Left alone, V8 lets a hub taking thousands of
# alarms a second grow its heap to 500-600 MB, most of it garbage waiting for a full collection.
# HUB_HEAP_GROWTH_PERCENT (default 200) is how far the old space may grow past what survived the
# last full collection before the next one (V8's --heap-growing-percent; 0: V8's own choice).
# Under a cap this small V8 picks about 10%, so a busy hub ran a full collection every half second
# and its pauses made the alarm bench's p99 at 1,000/s 59-74 ms; with 200% it was 40-47 ms, at
# 5,000-5,160 alarms/s, peaking at 276-284 MB (README, "MQTT alarms").
set -e
heap="${HUB_HEAP_MB:-240}"
growth="${HUB_HEAP_GROWTH_PERCENT:-200}"
case "$heap" in
  ''|*[!0-9]*) echo "HUB_HEAP_MB: expected a whole number of megabytes, got '$heap'" >&2; exit 1 ;;
esac
if [ "$heap" -lt 128 ]; then echo "HUB_HEAP_MB: at least 128 (the hub's live heap alone is 70-130 MB), got $heap" >&2; exit 1; fi
case "$growth" in
  ''|*[!0-9]*) echo "HUB_HEAP_GROWTH_PERCENT: expected a whole number of percent (0: V8's own choice), got '$growth'" >&2; exit 1 ;;
esac
if [ "$growth" -gt 1000 ]; then echo "HUB_HEAP_GROWTH_PERCENT: at most 1000, got $growth" >&2; exit 1; fi
growth_flag=""
if [ "$growth" -gt 0 ]; then growth_flag="--heap-growing-percent=$growth"; fi
# unquoted on purpose: HUB_NODE_ARGS is split at spaces, and an empty growth_flag adds nothing
exec node $HUB_NODE_ARGS --max-old-space-size="$heap" $growth_flag "$(dirname "$0")/../dist/hub.js" "$@"
