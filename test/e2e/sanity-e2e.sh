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
npx esbuild test/integration/sanity/index.ts test/integration/sanity/sanity.test.ts --bundle --platform=node --format=cjs \
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
mkdir -p "$WORK/ud/User" "$WORK/exts" "$WORK/home"
# code-server, its extension host and Chromium write under HOME and XDG dirs: keep them throwaway.
export XDG_CONFIG_HOME=$WORK/xdg-config XDG_DATA_HOME=$WORK/xdg-data HOME=$WORK/home
cat >"$WORK/ud/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "typescript.disableAutomaticTypeAcquisition": true,
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never"
}
JSON
fresh_workspace
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
setsid "$CODE_SERVER" --user-data-dir "$WORK/ud" --extensions-dir "$WORK/exts" --config "$WORK/config.yaml" \
  --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened "$WS" </dev/null >"$WORK/code-server.log" 2>&1 &
CS_PID=$!
healthy() { node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$PORT/healthz"; }
for _ in $(seq 1 120); do
  healthy && break
  kill -0 "$CS_PID" 2>/dev/null || { cat "$WORK/code-server.log"; exit 1; }
  sleep 0.5
done
healthy || { cat "$WORK/code-server.log"; exit 1; }

FAIL=0
echo "== sanity-train: extension-host integration tests"
node test/e2e/ext-host-tests.mjs "http://127.0.0.1:$PORT" "$WS" "$ROOT" "$ROOT/.e2e/out-integration/sanity/index.js" 600 || FAIL=1
fresh_workspace
echo "== sanity-train: UI test (lens -> panel)"
node test/e2e/sanity-lens.ui.mjs "http://127.0.0.1:$PORT" "$WS" "$ROOT" "$OUT" || FAIL=1
if [ $FAIL -ne 0 ]; then echo "SANITY E2E FAILED"; exit 1; fi
echo "SANITY E2E PASSED (screenshots in $OUT)"
