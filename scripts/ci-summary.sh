#!/usr/bin/env bash
# The closing lines of .ci/run: sums the three suites' counts into "N passed, N failed, N skipped".
# Usage: scripts/ci-summary.sh <out-dir> <vitest-rc> <windows-rc> <codex-rc>
# Reads <out-dir>/vitest.json (vitest's JSON report), and <out-dir>/windows-summary.txt and
# <out-dir>/codex-summary.txt ("PASSED FAILED SKIPPED", absent when that suite did not run). A suite
# whose script failed with no failed test counts one failure, so a broken set-up is never green.
set -uo pipefail
out=${1:?usage: scripts/ci-summary.sh <out-dir> <vitest-rc> <windows-rc> <codex-rc>}
test_rc=${2:?} w_rc=${3:?} c_rc=${4:?}

read -r v_pass v_fail v_skip < <(node -e '
  const fs = require("fs");
  try { const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
        console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTests ?? 0),
                    (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)); }
  catch { console.log(0, 1, 0); }' "$out/vitest.json")
[ "$test_rc" -ne 0 ] && [ "$v_fail" -eq 0 ] && v_fail=1 # type-check, lint or format failed

w_pass=0 w_fail=0 w_skip=0
[ -f "$out/windows-summary.txt" ] && read -r w_pass w_fail w_skip <"$out/windows-summary.txt"
w_skip=${w_skip:-0}
[ "$w_rc" -ne 0 ] && [ "$w_fail" -eq 0 ] && w_fail=1

c_pass=0 c_fail=0 c_skip=0
[ -f "$out/codex-summary.txt" ] && read -r c_pass c_fail c_skip <"$out/codex-summary.txt"
c_skip=${c_skip:-0}
[ "$c_rc" -ne 0 ] && [ "$c_fail" -eq 0 ] && c_fail=1

# The failed vitest tests by name, with their first error line, so the end of CI's output says
# which; and the tests that failed once and passed on CI's one retry (FLAKY), with their failure.
node -e '
  const fs = require("fs");
  const path = require("path");
  let r; try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { process.exit(0); }
  const tests = (r.testResults ?? []).flatMap((file) => (file.assertionResults ?? []).map((t) => ({ file, t })));
  const failed = tests.filter(({ t }) => t.status === "failed");
  for (const file of r.testResults ?? [])
    if (file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"))
      failed.push({ file, t: { fullName: "(the file itself)", failureMessages: [file.message ?? ""] } });
  const flaky = tests.filter(({ t }) => t.status === "passed" && (t.failureMessages ?? []).length > 0);
  const show = (label, list) => {
    for (const { file, t } of list.slice(0, 20)) {
      const why = String(t.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 300);
      console.log(`${label} ${path.relative(process.cwd(), file.name)} > ${t.fullName}: ${why}`);
    }
    if (list.length > 20) console.log(`... and ${list.length - 20} more ${label} tests`);
  };
  show("FLAKY", flaky);
  show("FAILED", failed);' "$out/vitest.json"

echo "vitest: ${v_pass} passed, ${v_fail} failed, ${v_skip} skipped; windows (node:test under Wine): ${w_pass} passed, ${w_fail} failed, ${w_skip} skipped; codex (real CLI): ${c_pass} passed, ${c_fail} failed, ${c_skip} skipped"
echo "$((v_pass + w_pass + c_pass)) passed, $((v_fail + w_fail + c_fail)) failed, $((v_skip + w_skip + c_skip)) skipped"
