#!/usr/bin/env bash
# `npm run bench:host`: the longest task on the extension host's event loop (perf_hooks.monitorEventLoopDelay)
# while a 5,000-line BatchNorm file is opened for the first time, its diagnostics and lenses appear and the
# file is converted, in code-server's real extension host (test/integration/host-stall). Runs twice:
# before = the analysis in the host (RBN_ANALYSIS_IN_THREAD=1, the old path), after = in the analysis thread.
# A third run, the control, does the same editor work on a file with nothing for this extension: what is
# left there is the machine and the editor (VS Code's own TypeScript features, code-server, the renderer).
# Prints one JSON object. Env: CODE_SERVER, CHROMIUM (as test/e2e/run-e2e.sh); BENCH_HOST_LOG=<file> keeps the
# suite's log (the editor's console, mocha) there.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source test/e2e/code-server.sh
resolve_code_server
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
npm run --silent build >/dev/null
npx esbuild test/integration/host-stall/*.ts --bundle --platform=node --format=cjs --target=node20 \
  --external:vscode --external:mocha --outdir=.e2e/out-integration/host-stall --log-level=warning

WORK=$(mktemp -d /tmp/rbn-bench-host.XXXXXX)
export XDG_CONFIG_HOME=$WORK/xdg-config XDG_DATA_HOME=$WORK/xdg-data XDG_CACHE_HOME=$WORK/xdg-cache HOME=$WORK/home
mkdir -p "$HOME"
trap 'stop_code_server; rm -rf "$WORK"' EXIT

# measure <name> <RBN_ANALYSIS_IN_THREAD value> [control]: prints the suite's HOST-STALL json.
measure() {
  local ws=$WORK/ws-$1
  mkdir -p "$ws" && echo '{ "name": "bench-host", "private": true }' >"$ws/package.json"
  HOST_STALL_CONTROL=${3:-0} RBN_ANALYSIS_IN_THREAD=$2 start_code_server "$1" off "$ws" >&2
  local log=$WORK/$1.log
  node test/e2e/ext-host-tests.mjs "http://127.0.0.1:$PORT" "$ws" "$ROOT" "$ROOT/.e2e/out-integration/host-stall/index.js" 300 >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  stop_code_server; [ -z "${BENCH_HOST_LOG:-}" ] || cp "$log" "$BENCH_HOST_LOG"
  grep -o 'HOST-STALL {.*}' "$log" | tail -1 | cut -d' ' -f2-
}
# BENCH_HOST_ONLY=before|after|control runs one of the three.
before=null after=null control=null
only=${BENCH_HOST_ONLY:-}
if [ -z "$only" ] || [ "$only" = before ]; then before=$(measure before 1); fi
# The analysis thread keeps V8's code for the compiler in .code-cache (src/analysis-thread/compile-cache.ts):
# "cold" is a first start after install, "warm" every later one. BENCH_HOST_COLD=1 empties it first.
[ -z "${BENCH_HOST_COLD:-}" ] || rm -rf .code-cache
compile_cache=$([ -n "$(ls -A .code-cache 2>/dev/null)" ] && echo warm || echo cold)
if [ -z "$only" ] || [ "$only" = after ]; then after=$(measure after 0); fi
if [ -z "$only" ] || [ "$only" = control ]; then control=$(measure control 0 1); fi
echo "{\"bench\":\"host-stall\",\"before\":$before,\"after\":$after,\"control\":$control,\"afterCompileCache\":\"$compile_cache\"}"
