#!/bin/sh
# Runs the built hub (dist/hub.js, from `npm run build`) the one way production runs it: `npm start`,
# the Docker image, the benchmarks and the start-up test all come through here. Arguments go to the
# hub (`npm start -- --demo`); Node flags go in NODE_OPTIONS (e.g. --cpu-prof).
#
# HUB_HEAP_MB caps V8's old space (default 256). Left alone, V8 lets a hub taking thousands of
# alarms a second grow its heap to some 500 MB, most of it garbage waiting for a full collection;
# capped at 256 it collects sooner: the alarm bench peaked at 272-287 MB (README, "MQTT alarms",
# on what the cap costs in throughput).
set -e
heap="${HUB_HEAP_MB:-256}"
case "$heap" in
  ''|*[!0-9]*) echo "HUB_HEAP_MB: expected a whole number of megabytes, got '$heap'" >&2; exit 1 ;;
esac
if [ "$heap" -lt 128 ]; then echo "HUB_HEAP_MB: at least 128 (the hub's live heap alone is 70-130 MB), got $heap" >&2; exit 1; fi
exec node --max-old-space-size="$heap" "$(dirname "$0")/../dist/hub.js" "$@"
