#!/usr/bin/env bash
# The Debian/Ubuntu packages the tests (`npm test`) or `npm start` need, installed when missing:
#   test:  chromium (webgl unit tests, real-editor tests), plus everything `start` needs;
#   start: ripgrep, libkrb5-dev, build-essential, python3 (code-server's native modules build with
#          node-gyp, its search runs rg; scripts/install-code-server.sh installs code-server itself).
# As root it runs apt-get; otherwise it prints the one command to run and exits 1. Nothing missing: silent.
# Usage: system-deps.sh [test|start] [--dry-run]  (--dry-run prints what it would do, exit 1 if something is missing)
set -euo pipefail
purpose=test dry_run=
for arg in "$@"; do
  case $arg in
    test | start) purpose=$arg ;;
    --dry-run) dry_run=1 ;;
    *) echo "system-deps.sh: unknown argument '$arg' (use test|start and --dry-run)" >&2; exit 2 ;;
  esac
done

have() { command -v "$1" >/dev/null 2>&1; }
missing=()
if [ "$purpose" = test ]; then
  chromium=${CHROMIUM_PATH:-${CHROMIUM:-/usr/bin/chromium}}
  [ -x "$chromium" ] || have chromium || missing+=(chromium)
fi
have rg || missing+=(ripgrep)
have krb5-config || missing+=(libkrb5-dev)
{ have g++ && have make; } || missing+=(build-essential)
have python3 || missing+=(python3)
[ ${#missing[@]} -eq 0 ] && exit 0

command=(apt-get install -y "${missing[@]}")
if [ "$(id -u)" != 0 ] || ! have apt-get; then
  echo "Missing system packages for npm $purpose: ${missing[*]}. Run: sudo apt-get update && sudo ${command[*]}" >&2
  exit 1
fi
echo "installing system packages for npm $purpose: ${missing[*]}" >&2
if [ -n "$dry_run" ]; then
  echo "would run: apt-get update && ${command[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
"${command[@]}" -qq >/dev/null
