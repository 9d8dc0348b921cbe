#!/usr/bin/env bash
# Sanity-train in a real VS Code (code-server 4.96 = VS Code 1.96, headless Chromium, offline):
#   1. the mocha integration suite test/integration/sanity inside code-server's extension host;
#   2. the UI test test/e2e/sanity-lens.ui.mjs (clicks the lenses, waits for the report panel, follows the
#      NaN link) with screenshots in $OUT (sanity-panel.png is the README's).
# The extension loads as a development extension from this checkout (no .vsix). Exit 0 only if both pass.
# Env: CODE_SERVER (default: scripts/install-code-server.sh's), CHROMIUM, OUT (default .e2e/out), KEEP_WORK=1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
if [ -z "${CODE_SERVER:-}" ]; then
  if [ -x .e2e/code-server/node_modules/.bin/code-server ]; then
    CODE_SERVER=.e2e/code-server/node_modules/.bin/code-server
  elif [ -x scripts/install-code-server.sh ]; then
    CODE_SERVER=$(scripts/install-code-server.sh | tail -1)
  else
    echo "sanity-e2e: set CODE_SERVER to a code-server 4.96 binary (see /work/shared/e2e/README.md)" >&2
    exit 3
  fi
fi
CODE_SERVER=$(readlink -f "$CODE_SERVER")
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
OUT=$(readlink -f "${OUT:-.e2e/out}")
mkdir -p "$OUT"

# The extension, the worker and Chart.js (npm run build), then the integration suite for the extension host.
npm run --silent build >/dev/null
npx esbuild test/integration/sanity/index.ts test/integration/sanity/sanity.test.ts test/integration/sanity/untrusted.test.ts --bundle --platform=node --format=cjs \
  --target=node20 --external:vscode --external:mocha --outdir=.e2e/out-integration/sanity --log-level=warning

# The workspace lives inside the checkout so the fixtures' `@tensorflow/tfjs` imports resolve to its node_modules.
WS=$ROOT/.e2e/ws-sanity
WORK=$(mktemp -d /tmp/sanity-e2e.XXXXXX)
CS_PID=
cleanup() {
  local rc=$?
  if [ -n "$CS_PID" ]; then
    # code-server runs in its own process group (setsid): end the whole group, watchers and hosts included.
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$CS_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
  fi
  if [ -n "${KEEP_WORK:-}" ] || [ $rc -ne 0 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fresh_workspace() {
  rm -rf "$WS" && mkdir -p "$WS"
  cp test/fixtures/sanity/*.ts test/fixtures/sanity/*.js "$WS/"
}
mkdir -p "$WORK/home"
# code-server, its extension host and Chromium write under HOME and XDG dirs: keep them throwaway.
export XDG_CONFIG_HOME=$WORK/xdg-config XDG_DATA_HOME=$WORK/xdg-data HOME=$WORK/home

stop_code_server() {
  if [ -n "$CS_PID" ]; then
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$CS_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
    CS_PID=
  fi
}

# start_code_server <profile> <trust: off|on>: a fresh profile on a free port; sets PORT and CS_PID.
start_code_server() {
  local profile=$WORK/$1 trust=$2
  mkdir -p "$profile/ud/User" "$profile/exts"
  cat >"$profile/ud/User/settings.json" <<JSON
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": $([ "$trust" = on ] && echo true || echo false),
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "typescript.disableAutomaticTypeAcquisition": true,
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never",
  "workbench.colorTheme": "Default Light Modern"
}
JSON
  local flags=(--disable-telemetry --disable-update-check --disable-getting-started-override --ignore-last-opened)
  [ "$trust" = on ] || flags+=(--disable-workspace-trust)
  PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  setsid "$CODE_SERVER" --user-data-dir "$profile/ud" --extensions-dir "$profile/exts" --config "$profile/config.yaml" \
    --bind-addr "127.0.0.1:$PORT" --auth none "${flags[@]}" "$WS" </dev/null >"$profile/code-server.log" 2>&1 &
  CS_PID=$!
  local healthy='fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))'
  for _ in $(seq 1 120); do
    node -e "$healthy" "http://127.0.0.1:$PORT/healthz" && return 0
    kill -0 "$CS_PID" 2>/dev/null || break
    sleep 0.5
  done
  cat "$profile/code-server.log"
  return 1
}

FAIL=0
fresh_workspace
start_code_server trusted off
echo "== sanity-train: extension-host integration tests"
node test/e2e/ext-host-tests.mjs "http://127.0.0.1:$PORT" "$WS" "$ROOT" "$ROOT/.e2e/out-integration/sanity/index.js" 600 || FAIL=1
fresh_workspace
echo "== sanity-train: UI test (lens -> panel)"
node test/e2e/sanity-lens.ui.mjs "http://127.0.0.1:$PORT" "$WS" "$ROOT" "$OUT" || FAIL=1
stop_code_server

fresh_workspace
SANITY_SUITE=untrusted start_code_server untrusted on
echo "== sanity-train: Restricted Mode (untrusted workspace)"
node test/e2e/ext-host-tests.mjs "http://127.0.0.1:$PORT" "$WS" "$ROOT" "$ROOT/.e2e/out-integration/sanity/index.js" 300 || FAIL=1
stop_code_server
if [ $FAIL -ne 0 ]; then echo "SANITY E2E FAILED"; exit 1; fi
echo "SANITY E2E PASSED (screenshots in $OUT)"
