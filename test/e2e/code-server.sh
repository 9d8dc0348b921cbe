# Shared by test/e2e/run-e2e.sh and scripts/start.sh: start and stop code-server (VS Code 1.96 in a browser)
# with a throwaway profile. Source it; it sets CODE_SERVER, WORK, PORT, CS_PID.
# Pitfalls it avoids (see /work/shared/e2e/README.md): fresh user-data-dir every time, HOME/XDG in a temp
# dir, code-server in its own process group (setsid) so stopping it ends its watchers and hosts too.

resolve_code_server() {
  if [ -z "${CODE_SERVER:-}" ]; then
    CODE_SERVER=$(scripts/install-code-server.sh | tail -1)
  fi
  CODE_SERVER=$(readlink -f "$CODE_SERVER")
}

# code_server_version: e.g. "4.96.4 (VS Code 1.96.4)", from the installed packages (`code-server --version`
# prints log lines first and writes a default config file).
code_server_version() {
  node -e '
    const fs = require("fs"), path = require("path");
    let dir = path.dirname(process.argv[1]);
    while (dir !== path.dirname(dir) && !fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
    const version = (p) => { try { return JSON.parse(fs.readFileSync(p, "utf8")).version; } catch { return undefined; } };
    const code = version(path.join(dir, "lib/vscode/package.json"));
    console.log(`${version(path.join(dir, "package.json")) ?? "unknown version"}${code ? ` (VS Code ${code})` : ""}`);
  ' "$CODE_SERVER"
}

stop_code_server() {
  if [ -n "${CS_PID:-}" ]; then
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$CS_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
    CS_PID=
  fi
}

# start_code_server <profile> <trust: off|on> <workspace> [vsix] [bind-port]: a fresh profile (with the
# .vsix installed when given) on a free port (or bind-port); sets PORT and CS_PID.
start_code_server() {
  local profile=$WORK/$1 trust=$2 ws=$3 vsix=${4:-}
  rm -rf "$profile" && mkdir -p "$profile/ud/User" "$profile/exts"
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
  ${CS_TEST_SETTINGS:+"editor.stickyScroll.enabled": false, "editor.hover.delay": 3000,}
  "workbench.colorTheme": "Default Light Modern"
}
JSON
  local dirs=(--user-data-dir "$profile/ud" --extensions-dir "$profile/exts" --config "$profile/config.yaml")
  if [ -n "$vsix" ]; then
    "$CODE_SERVER" "${dirs[@]}" --install-extension "$vsix" >"$profile/install.log" 2>&1 || { cat "$profile/install.log"; return 1; }
  fi
  local flags=(--disable-telemetry --disable-update-check --disable-getting-started-override --ignore-last-opened)
  [ "$trust" = on ] || flags+=(--disable-workspace-trust)
  PORT=${5:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
  setsid "$CODE_SERVER" "${dirs[@]}" --bind-addr "127.0.0.1:$PORT" --auth none "${flags[@]}" "$ws" </dev/null >"$profile/code-server.log" 2>&1 &
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
