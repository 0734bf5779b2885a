// Child process for the launch crash test: one GLM server's mimo.launch_package (TUI), run
// until it finishes or is SIGKILLed. argv: dataDir, packageId, mimo command, record dir.
import { identityFor } from "../../src/config/identity.js";
import { openLedger } from "../../src/ledger/database.js";
import { createServiceContext } from "../../src/service/context.js";
import { launchPackage } from "../../src/service/mimo-launch.js";

const [dataDir, packageText, command, records] = process.argv.slice(2) as [string, string, string, string];
const db = openLedger(dataDir);
const ctx = createServiceContext(db, identityFor("glm-1", "glm"), dataDir);
const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", FAKE_MIMO_RECORD_DIR: records };
const session = await launchPackage(
  ctx,
  { command, env },
  { work_package_id: Number(packageText), mode: "tui" },
);
process.stdout.write(`${JSON.stringify({ id: session.id, pid: session.pid })}\n`);
ctx.signal.close();
db.close();
