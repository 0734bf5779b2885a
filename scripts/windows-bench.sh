#!/usr/bin/env bash
# bench/signal-wake under a real Windows node.exe in Wine (same set-up as scripts/ci-windows.sh).
# Usage: scripts/windows-bench.sh [bench args...]   e.g. --trials 200
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/windows-env.sh
. scripts/windows-env.sh
win_prepare
rc=$?
if [ "$rc" -eq 1 ]; then
  echo "WINDOWS BENCH SKIPPED: $win_skip_reason"
  exit 0
elif [ "$rc" -ne 0 ]; then
  exit 1
fi
[ -f dist/bench/signal-wake.js ] || npx tsc -p tsconfig.json || exit 1
win_node "$WIN_ROOT/bench.out" "$WIN_ROOT/bench.err" dist/bench/signal-wake.js "$@"
rc=$?
cat "$WIN_ROOT/bench.out"
[ "$rc" -eq 0 ] || grep -v "wine32\|multiarch\|dpkg --add\|apt-get install wine32" "$WIN_ROOT/bench.err"
wineserver -k >/dev/null 2>&1 || true
exit "$rc"
