#!/usr/bin/env bash
# `npm start`: builds and packages the extension, installs the .vsix into code-server (VS Code 1.96 in the
# browser; installed offline by scripts/install-code-server.sh on first use) and opens a copy of
# examples/mnist-model. Prints the URL and runs until Ctrl+C. Env: PORT (default 8080).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/system-deps.sh start
source test/e2e/code-server.sh
resolve_code_server
node scripts/package.mjs | tail -1
VSIX=$(ls "$ROOT"/running-batch-norm-*.vsix | head -1)
WORK=$ROOT/.e2e/start
rm -rf "$WORK" && mkdir -p "$WORK"
WS=$WORK/mnist-model
cp -r examples/mnist-model "$WS"
trap 'stop_code_server; exit 0' INT TERM
trap stop_code_server EXIT
XDG_CONFIG_HOME=$WORK/xdg-config XDG_DATA_HOME=$WORK/xdg-data start_code_server profile on "$WS" "$VSIX" "${PORT:-8080}"
echo
echo "RunningBatchNorm for TensorFlow.js is running in VS Code (code-server $(code_server_version)):"
echo
echo "    http://127.0.0.1:$PORT/?folder=$WS"
echo
echo "Open model.js, right-click a batchNormalization line and choose \"Convert to RunningBatchNorm\"."
echo "Trust the folder when asked to enable sanity-train. Press Ctrl+C to stop."
wait "$CS_PID"
