#!/usr/bin/env bash
# Offline-safe install of code-server 4.96.4 (VS Code 1.96.4 served to a browser) for the real-editor
# tests and `npm start`, into .e2e/code-server (or $1). Does nothing when it is already there.
# The last line printed is the code-server binary. Debian packages needed: libkrb5-dev ripgrep
# build-essential python3 (installed here when missing and running as root). Why each step:
# /work/shared/e2e/README.md ("Install recipe").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=$(mkdir -p "${1:-$ROOT/.e2e/code-server}" && cd "${1:-$ROOT/.e2e/code-server}" && pwd)
VERSION=${CODE_SERVER_VERSION:-4.96.4}
BIN=$PREFIX/node_modules/.bin/code-server
if [ -x "$BIN" ] && [ -f "$PREFIX/node_modules/code-server/lib/vscode/node_modules/node-pty/package.json" ]; then
  echo "$BIN"
  exit 0
fi
{
  if ! command -v rg >/dev/null || ! command -v krb5-config >/dev/null || ! command -v g++ >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev ripgrep build-essential python3 >/dev/null
  fi
  # node-gyp must not download Node headers: use the local ones.
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
  # 1) code-server and its own dependencies, without postinstall (it would fail offline).
  npm install --prefix "$PREFIX" --ignore-scripts --no-audit --no-fund "code-server@$VERSION"
  VS="$PREFIX/node_modules/code-server/lib/vscode"
  # 2) lib/vscode pins @vscode/proxy-agent to a GitHub URL; npm has the same version (same integrity).
  TARBALL=$(npm view @vscode/proxy-agent@0.27.0 dist.tarball)
  sed -i -E "s#\"resolved\": \"git\+ssh://git@github.com/microsoft/vscode-proxy-agent.git\#[0-9a-f]+\"#\"resolved\": \"$TARBALL\"#" "$VS/npm-shrinkwrap.json"
  if grep -q 'git+ssh://' "$VS/npm-shrinkwrap.json"; then echo "unpatched git dependency left in $VS/npm-shrinkwrap.json" >&2; exit 1; fi
  # 3) lib/vscode's dependencies; @vscode/ripgrep gets Debian's rg (its postinstall downloads from GitHub
  #    unless bin/ exists); then build the native modules (kerberos falls back to node-gyp: libkrb5-dev).
  (cd "$VS" && npm install --omit=dev --ignore-scripts --no-audit --no-fund)
  mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
  cp "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
  (cd "$VS" && npm rebuild --no-audit --no-fund)
  # 4) Top-level scripts: argon2 builds from source; code-server's postinstall refuses root without this.
  (cd "$PREFIX" && npm_config_unsafe_perm=true npm rebuild --no-audit --no-fund)
  for m in node-pty @vscode/spdlog native-watchdog kerberos; do
    node -e "require(process.argv[1])" "$VS/node_modules/$m" || { echo "native module $m failed to load" >&2; exit 1; }
  done
} >&2
echo "$BIN"
