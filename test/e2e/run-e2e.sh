#!/usr/bin/env bash
# `npm run test:e2e`: the extension in a real VS Code (code-server 4.96 = VS Code 1.96, headless Debian
# Chromium driven by playwright-core, offline). Runs every integration suite inside code-server's
# extension host and every UI test, then prints `e2e: N passed, N failed` (tests, not steps).
#   sanity-train:  test/integration/sanity (trusted + Restricted Mode; dev extension), test/e2e/sanity-lens.ui.mjs and
#                  test/e2e/sanity-graph.ui.mjs (the INSTALLED .vsix),
#                  test/e2e/sanity-from-script.ui.mjs (the INSTALLED .vsix: the palette command on a package's script),
#                  test/e2e/sanity-own-tfjs.ui.mjs (the INSTALLED .vsix in a workspace with its own tfjs),
#                  test/e2e/sanity-install.ui.mjs (the INSTALLED .vsix: a never-installed project's install button),
#                  test/e2e/compare-interval.ui.mjs (the INSTALLED .vsix: a Compare's interval and seed dots)
#   conversion:    test/integration/conversion (trusted + Restricted Mode; dev extension), test/e2e/conversion.ui.mjs (the INSTALLED .vsix)
# Screenshots: $OUT (default .e2e/out). Env: CODE_SERVER, CHROMIUM, OUT, KEEP_WORK=1, E2E_ONLY=sanity|conversion.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
source test/e2e/code-server.sh
resolve_code_server || { echo "e2e: cannot install code-server (scripts/install-code-server.sh)"; exit 3; }
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
OUT=$(mkdir -p "${OUT:-.e2e/out}" && readlink -f "${OUT:-.e2e/out}")
ONLY=${E2E_ONLY:-}

set -e
npm run --silent build >/dev/null
for suite in sanity conversion; do
  npx esbuild test/integration/$suite/*.ts --bundle --platform=node --format=cjs --target=node20 \
    --external:vscode --external:mocha --outdir=.e2e/out-integration/$suite --log-level=warning
done
node scripts/package.mjs --no-build | tail -1
set +e
VSIX=$(ls "$ROOT"/running-batch-norm-*.vsix 2>/dev/null | head -1)

WORK=$(mktemp -d /tmp/rbn-e2e.XXXXXX)
mkdir -p "$WORK/home"
# code-server, its extension host and Chromium write under HOME and XDG dirs: keep them throwaway.
export XDG_CONFIG_HOME=$WORK/xdg-config XDG_DATA_HOME=$WORK/xdg-data XDG_CACHE_HOME=$WORK/xdg-cache HOME=$WORK/home
PASSED=0
FAILED=0
cleanup() {
  stop_code_server
  if [ -n "${KEEP_WORK:-}" ] || [ $FAILED -ne 0 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_step <name> <command...>: runs it, counts mocha's "N passing/failing" or the UI tests' "N passed, N failed".
run_step() {
  local name=$1 log=$WORK/step-$RANDOM.log
  shift
  echo "== $name"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo '^\s*[0-9]+ passing|^([^ ]+ )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 | grep -Eo '[0-9]+ pass' | grep -Eo '[0-9]+')
  f=$(grep -Eo '^\s*[0-9]+ failing|[0-9]+ failed$' "$log" | tail -1 | grep -Eo '[0-9]+')
  p=${p:-0} f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed or timed out before reporting
  PASSED=$((PASSED + p)) FAILED=$((FAILED + f))
}

ws_sanity() { rm -rf "${1:-$ROOT/.e2e/ws-sanity}" && mkdir -p "${1:-$ROOT/.e2e/ws-sanity}" && cp test/fixtures/sanity/*.ts test/fixtures/sanity/*.js "${1:-$ROOT/.e2e/ws-sanity}/" && cp -r test/fixtures/capture "${1:-$ROOT/.e2e/ws-sanity}/capture" && cp -r test/fixtures/sanity/pages "${1:-$ROOT/.e2e/ws-sanity}/pages"; }
# The fixture project, plus a node_modules package with batch norm that workspace conversion must skip.
ws_editor() {
  local ws=$ROOT/.e2e/ws-editor
  rm -rf "$ws" && mkdir -p "$ws" && cp -r test/fixtures/editor/. "$ws/"
  mkdir -p "$ws/node_modules/some-lib"
  printf "const tf = require('@tensorflow/tfjs');\nmodule.exports = () => tf.layers.batchNormalization();\n" >"$ws/node_modules/some-lib/index.js"
}
# A workspace outside the repository with its OWN @tensorflow/tfjs (copied, so resolution happens inside it):
# each tfjs package's package.json and Node entry file, and the small plain packages those files require.
ws_own_tfjs() {
  local ws=$1 name main
  rm -rf "$ws" && mkdir -p "$ws/node_modules/@tensorflow" && cp test/fixtures/own-tfjs/fashion-cnn.ts "$ws/"
  printf '{"name":"ws-own-tfjs","private":true}\n' >"$ws/package.json"
  for name in tfjs tfjs-core tfjs-layers tfjs-converter tfjs-data tfjs-backend-cpu tfjs-backend-webgl; do
    main=$(node -p "require('./node_modules/@tensorflow/$name/package.json').main")
    mkdir -p "$ws/node_modules/@tensorflow/$name/$(dirname "$main")"
    cp "node_modules/@tensorflow/$name/package.json" "$ws/node_modules/@tensorflow/$name/"
    cp "node_modules/@tensorflow/$name/$main" "$ws/node_modules/@tensorflow/$name/$main"
  done
  for name in long seedrandom node-fetch whatwg-url tr46 webidl-conversions string_decoder safe-buffer; do
    if [ -d "node_modules/$name" ]; then cp -rL "node_modules/$name" "$ws/node_modules/"; fi
  done
}
ext_host() { node test/e2e/ext-host-tests.mjs "http://127.0.0.1:$PORT" "$1" "$ROOT" "$ROOT/.e2e/out-integration/$2/index.js" "$3"; }

if [ "$ONLY" != conversion ]; then
  ws_sanity
  if start_code_server sanity off "$ROOT/.e2e/ws-sanity"; then
    run_step "sanity-train: extension-host integration tests" ext_host "$ROOT/.e2e/ws-sanity" sanity 600
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
  # Outside the repository, so no node_modules above it has tfjs: the .vsix's own tfjs and wasm must run it.
  ws_sanity "$WORK/ws-sanity"
  if start_code_server sanity-installed off "$WORK/ws-sanity" "$VSIX"; then
    run_step "sanity-train: UI test with the installed .vsix (lens -> panel, offline)" node test/e2e/sanity-lens.ui.mjs "http://127.0.0.1:$PORT" "$WORK/ws-sanity" - "$OUT"
    run_step "sanity-train: the graph view (click a layer -> its source line)" node test/e2e/sanity-graph.ui.mjs "http://127.0.0.1:$PORT" "$WORK/ws-sanity" "$OUT"
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
  ws_sanity "$WORK/ws-compare"
  if start_code_server sanity-compare off "$WORK/ws-compare" "$VSIX"; then
    run_step "sanity-train: a Compare's interval and paired seeds in the panel (installed .vsix)" node test/e2e/compare-interval.ui.mjs "http://127.0.0.1:$PORT" "$WORK/ws-compare" "$OUT"
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
  # The same workspace: its capture/ package trains with a tfjs it does not install (the .vsix's serves it).
  if start_code_server sanity-from-script off "$WORK/ws-sanity" "$VSIX"; then
    run_step "sanity-train: Sanity-Train from Script… from the palette (installed .vsix)" node test/e2e/sanity-from-script.ui.mjs "http://127.0.0.1:$PORT" "$WORK/ws-sanity" - "$OUT"
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
  ws_own_tfjs "$WORK/ws-own-tfjs"
  if start_code_server sanity-own-tfjs off "$WORK/ws-own-tfjs" "$VSIX"; then
    run_step "sanity-train: installed .vsix, Compare on the workspace's own tfjs (fashion-MNIST CNN, wasm)" node test/e2e/sanity-own-tfjs.ui.mjs "http://127.0.0.1:$PORT" "$WORK/ws-own-tfjs" "$OUT"
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
  # A project cloned but never installed, outside the repository: the failure's button runs its npm install.
  rm -rf "$WORK/ws-install" && cp -r test/fixtures/install "$WORK/ws-install"
  if start_code_server sanity-install off "$WORK/ws-install" "$VSIX"; then
    run_step "sanity-train: a package the project lists but never installed: the notification's install button, then a report (installed .vsix)" node test/e2e/sanity-install.ui.mjs "http://127.0.0.1:$PORT" "$WORK/ws-install" "$OUT"
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
  ws_sanity
  if SANITY_SUITE=untrusted start_code_server untrusted on "$ROOT/.e2e/ws-sanity"; then
    run_step "sanity-train: Restricted Mode (untrusted workspace)" ext_host "$ROOT/.e2e/ws-sanity" sanity 300
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
fi

if [ "$ONLY" != sanity ]; then
  ws_editor
  if start_code_server conversion off "$ROOT/.e2e/ws-editor"; then
    run_step "conversion: extension-host integration tests" ext_host "$ROOT/.e2e/ws-editor" conversion 300
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
  ws_editor
  if CONVERSION_SUITE=untrusted start_code_server conversion-untrusted on "$ROOT/.e2e/ws-editor"; then
    run_step "conversion: Restricted Mode (untrusted workspace)" ext_host "$ROOT/.e2e/ws-editor" conversion 300
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
  ws_editor
  # Sticky scroll and quick hovers would cover the lines the test clicks.
  if CS_TEST_SETTINGS=1 start_code_server installed off "$ROOT/.e2e/ws-editor" "$VSIX"; then
    run_step "conversion: UI test with the installed .vsix ($(basename "$VSIX"))" node test/e2e/conversion.ui.mjs "http://127.0.0.1:$PORT" "$ROOT/.e2e/ws-editor" "$OUT"
  else FAILED=$((FAILED + 1)); fi
  stop_code_server
fi

echo "screenshots: $OUT"
echo "e2e: $PASSED passed, $FAILED failed"
[ $FAILED -eq 0 ] && [ $PASSED -gt 0 ]
