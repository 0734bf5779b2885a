#!/usr/bin/env bash
# The real-Codex suite: test/codex/*.test.mjs (node:test) drive the pinned @openai/codex CLI against
# the built server with a scripted model on 127.0.0.1 (no network beyond the npm install, no key).
# Usage: scripts/ci-codex.sh <summary-file>   writes "PASSED FAILED SKIPPED" to the summary file;
# when Codex cannot be installed every test of the suite counts as skipped ("0 0 N").
# The CLI (about 400 MB) is installed once into a cache outside the repo and reused:
# ${GRACE_CODEX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grace-orchestrator}/codex-<version>.
set -uo pipefail
summary=${1:?usage: scripts/ci-codex.sh <summary-file>}
cd "$(dirname "$0")/.."
case "$summary" in /*) ;; *) summary="$PWD/$summary" ;; esac
mkdir -p "$(dirname "$summary")"
CODEX_VERSION=0.169.0
cache_root=${GRACE_CODEX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grace-orchestrator}
install_dir="$cache_root/codex-$CODEX_VERSION"
codex_bin="$install_dir/node_modules/.bin/codex"
# The repository's pinned Node 22, not whatever node is first on PATH.
node_bin="$PWD/node_modules/node/bin/node"
[ -x "$node_bin" ] || node_bin=node
started=$SECONDS

skip() {
  echo "************************************************************************"
  echo "REAL-CODEX SUITE SKIPPED: $1"
  echo "************************************************************************"
  echo "0 0 $(cat test/codex/*.test.mjs | grep -c '^test(')" >"$summary"
  exit 0
}

if [ ! -x "$codex_bin" ]; then
  echo "installing @openai/codex@$CODEX_VERSION into $install_dir"
  staging="$install_dir.partial-$$"
  rm -rf "$staging"
  mkdir -p "$staging"
  # Into a staging dir first, so an interrupted install is never taken for a finished one.
  if npm install --prefix "$staging" --no-audit --no-fund --no-save "@openai/codex@$CODEX_VERSION" >"$staging.log" 2>&1 &&
    [ -x "$staging/node_modules/.bin/codex" ] && mv "$staging" "$install_dir" 2>/dev/null; then
    rm -f "$staging.log"
  else
    tail -n 20 "$staging.log" 2>/dev/null
    rm -rf "$staging" "$staging.log"
    [ -x "$codex_bin" ] || skip "@openai/codex@$CODEX_VERSION could not be installed"
  fi
fi
version=$("$codex_bin" --version 2>/dev/null) || skip "$codex_bin does not run on this machine"
[ -f dist/src/cli/server.js ] || npm run build || { echo "0 1 0" >"$summary"; exit 1; }

echo "running test/codex/*.test.mjs with $version"
out=$(mktemp)
GRACE_CODEX_BIN="$codex_bin" "$node_bin" --test --test-reporter=tap --test-concurrency=1 test/codex/*.test.mjs | tee "$out"
node_rc=${PIPESTATUS[0]}
pass=$(sed -n 's/^# pass \([0-9][0-9]*\)$/\1/p' "$out" | tail -n 1)
fail=$(sed -n 's/^# fail \([0-9][0-9]*\)$/\1/p' "$out" | tail -n 1)
cancelled=$(sed -n 's/^# cancelled \([0-9][0-9]*\)$/\1/p' "$out" | tail -n 1)
rm -f "$out"
pass=${pass:-0}
fail=$(( ${fail:-1} + ${cancelled:-0} ))
[ "$fail" -eq 0 ] && [ "$node_rc" -ne 0 ] && fail=1
echo "$pass $fail 0" >"$summary"
echo "real-Codex suite done in $((SECONDS - started)) s: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
