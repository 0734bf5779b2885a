import path from "node:path";
import { Worker } from "node:worker_threads";
import { expect, test } from "vitest";
import { REPO_ROOT, tempDir } from "../helpers/mcp-client.js";

const DATABASE = path.join(REPO_ROOT, "dist", "src", "ledger", "database.js");

// Each thread has its own SQLite connection; a shared barrier releases them at the same instant.
const OPENER = `
const { workerData, parentPort } = require("node:worker_threads");
import(workerData.module).then(({ openLedger }) => {
  const gate = new Int32Array(workerData.barrier);
  Atomics.add(gate, 0, 1);
  while (Atomics.load(gate, 0) < workerData.parties) {}
  try { openLedger(workerData.dir).close(); parentPort.postMessage(null); }
  catch (e) { parentPort.postMessage(String(e && e.message)); }
});
`;

function openTogether(dir: string, parties: number): Promise<(string | null)[]> {
  const barrier = new SharedArrayBuffer(4);
  return Promise.all(
    Array.from(
      { length: parties },
      () =>
        new Promise<string | null>((resolve, reject) => {
          const w = new Worker(OPENER, {
            eval: true,
            workerData: { module: DATABASE, dir, barrier, parties },
          });
          w.once("message", (m: string | null) => {
            resolve(m);
            void w.terminate();
          });
          w.once("error", reject);
        }),
    ),
  );
}

// Several server processes started at once on a new data dir (an MCP client starting Codex, GLM
// and the workers) must all open the ledger. Two connections switching a new file to WAL at the
// same instant make SQLite answer "database is locked" at once, without waiting.
test("connections opening a brand-new ledger at the same instant all succeed", async () => {
  const failures: string[] = [];
  for (let round = 0; round < 60; round += 1) {
    const results = await openTogether(tempDir("open-race"), 4);
    failures.push(...results.filter((r): r is string => r !== null));
  }
  expect(failures).toEqual([]);
}, 120_000);
