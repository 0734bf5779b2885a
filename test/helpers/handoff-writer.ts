// Child process for the crash-safety test: reports worker events in a loop until killed.
// argv: dataDir, packageIds (comma list), count
import { identityFor } from "../../src/config/identity.js";
import { openLedger } from "../../src/ledger/database.js";
import { createServiceContext } from "../../src/service/context.js";
import { reportWorkerEvent } from "../../src/service/handoff.js";

const [dataDir, packageList, countText] = process.argv.slice(2) as [string, string, string];
const packages = packageList.split(",").map(Number);
const db = openLedger(dataDir);
const ctx = createServiceContext(db, identityFor("junior-1", "worker_junior"), dataDir);
for (let i = 0; i < Number(countText); i += 1) {
  reportWorkerEvent(
    ctx,
    {
      work_package_id: packages[i % packages.length]!,
      event_type: "WORKER_BLOCKED",
      message: `pid ${process.pid} event ${i} ${"x".repeat(i % 300)}`,
    },
    0,
  ); // no rate limit: this writer floods on purpose
}
ctx.signal.close();
db.close();
