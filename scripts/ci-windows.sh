#!/usr/bin/env bash
# The Windows-path suite: test/windows/*.test.mjs (node:test) under a real Windows node.exe in Wine.
# Usage: scripts/ci-windows.sh <summary-file>   writes "PASSED FAILED SKIPPED" to the summary file.
# Exit: 0 if every test passed (or, only when Wine cannot be installed, a loud SKIP: "0 0 N" with N
# the suite's test count, so the skip is counted, not lost), non-zero if anything failed or the
# set-up beyond Wine itself broke.
set -uo pipefail
summary=${1:?usage: scripts/ci-windows.sh <summary-file>}
cd "$(dirname "$0")/.."
case "$summary" in /*) ;; *) summary="$PWD/$summary" ;; esac
mkdir -p "$(dirname "$summary")"
# shellcheck source=scripts/windows-env.sh
. scripts/windows-env.sh
started=$SECONDS

finish() { # finish <pass> <fail> <exit-code>
  echo "$1 $2 0" >"$summary"
  wineserver -k >/dev/null 2>&1 || true
  log "done in $((SECONDS - started)) s: $1 passed, $2 failed"
  exit "$3"
}

win_prepare
rc=$?
if [ "$rc" -eq 1 ]; then
  echo "************************************************************************"
  echo "WINDOWS SUITE SKIPPED: $win_skip_reason"
  echo "************************************************************************"
  # Count the suite's tests (each file's "# tests" under this host's node): all of them were skipped.
  skipped=0
  for file in test/windows/*.test.mjs; do
    n=$(node --test --test-reporter=tap "$file" 2>/dev/null | sed -n 's/^# tests \([0-9][0-9]*\)$/\1/p' | tail -n 1)
    skipped=$((skipped + ${n:-1}))
  done
  echo "0 0 $skipped" >"$summary"
  exit 0
elif [ "$rc" -ne 0 ]; then
  echo "Windows suite set-up failed (see above)"
  finish 0 1 1
fi

log "running test/windows/*.test.mjs with $(basename "$WIN_NODE_EXE") $WIN_NODE_VERSION under $(wine --version 2>/dev/null)"
out="$WIN_ROOT/test.tap"
err="$WIN_ROOT/test.err"
win_node "$out" "$err" --test --test-reporter=tap test/windows/*.test.mjs
node_rc=$?
cat "$out"
if [ -s "$err" ]; then
  echo "--- node.exe stderr ---"
  grep -v "wine32 is missing\|multiarch needs\|dpkg --add-architecture\|apt-get install wine32\|X connection to" "$err" || true
fi

pass=$(sed -n 's/^# pass \([0-9][0-9]*\)$/\1/p' "$out" | tail -n 1)
fail=$(sed -n 's/^# fail \([0-9][0-9]*\)$/\1/p' "$out" | tail -n 1)
cancelled=$(sed -n 's/^# cancelled \([0-9][0-9]*\)$/\1/p' "$out" | tail -n 1)
if [ -z "$pass" ] || [ -z "$fail" ]; then
  echo "no node:test summary found (node.exe exit $node_rc)"
  finish "${pass:-0}" "$(( ${fail:-0} > 0 ? ${fail:-0} : 1 ))" 1
fi
fail=$((fail + ${cancelled:-0}))
if [ "$fail" -eq 0 ] && [ "$node_rc" -ne 0 ]; then
  echo "node.exe exited $node_rc with no failed test"
  finish "$pass" 1 1
fi
finish "$pass" "$fail" "$([ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] && echo 0 || echo 1)"
