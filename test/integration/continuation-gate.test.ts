import { spawn } from "node:child_process";
import { expect, test } from "vitest";
import { releaseGate, startGate, waitForExit } from "../../src/continuation/launch-gate.js";

// A controller that exits at once must still be reported as started: were the gate's report lost
// (its exit seen before its output was read), the supervisor would retry a controller that did
// run — a duplicate launch. The race needs a busy machine, so the test makes one.
test("a controller that exits immediately is always reported as started, even on a loaded machine", async () => {
  const burners = [1, 2].map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  try {
    let lost = 0;
    for (let r = 0; r < 6; r += 1) {
      const reports = await Promise.all(
        Array.from({ length: 40 }, async () => {
          const gate = startGate();
          const report = await releaseGate(
            gate,
            { argv: ["/bin/true"], cwd: process.cwd(), env: {} },
            15_000,
          );
          await waitForExit(gate, 15_000);
          return report;
        }),
      );
      lost += reports.filter((x) => !x.ok).length;
    }
    expect(lost).toBe(0);
  } finally {
    for (const b of burners) b.kill("SIGKILL");
  }
}, 120_000);
