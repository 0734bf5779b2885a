import fs from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import { launchPackage } from "../../src/service/mimo-launch.js";
import { recordTuiClosed } from "../../src/service/mimo-sessions.js";
import { commitAll, git, writeFile } from "../helpers/git-repo.js";
import {
  addAgent,
  insertPackage,
  insertReview,
  insertSubmission,
  makeWorld,
  tellExit,
  waitForRecord,
  type World,
} from "../helpers/fake-mimo-world.js";

const worlds: World[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.close();
});

/** A package whose junior submitted a real commit that GLM then rejected for repair. */
async function rejected(proAvailable = true) {
  const w = await makeWorld();
  worlds.push(w);
  addAgent(w, "mimo-2.5", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
  addAgent(w, "pro", "worker_pro", { mimo_model: "xiaomi/mimo-v2.5-pro", mimo_agent: "build-pro" });
  if (!proAvailable) w.db.prepare("UPDATE agents SET availability = 'unavailable' WHERE name = 'pro'").run();
  const pkg = insertPackage(w, { status: "ASSIGNED", junior: "mimo-2.5", pro: "pro", proAvailable: true });
  const first = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
  writeFile(first.workspace_path!, "src/app.ts", "export const x = 2;\n");
  const head = commitAll(first.workspace_path!, "junior work");
  insertSubmission(w, pkg, head, "mimo-2.5");
  await new Promise((r) => setTimeout(r, 5)); // the rejection is strictly later than the first session
  insertReview(w, pkg, "rejected_repair_required", ["needs repair"], ["repair it"]);
  w.db.prepare("UPDATE work_packages SET status = 'REPAIR_REQUIRED' WHERE id = ?").run(pkg);
  return { w, pkg, first, head };
}

describe("repair dispatch (REPAIR_REQUIRED)", () => {
  test("the pro repairs from the rejected head; the superseded TUI does not block; the new one does", async () => {
    const { w, pkg, first, head } = await rejected();
    expect(first.lifecycle_state).toBe("TUI_DETACHED");
    const repair = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    expect(repair.id).not.toBe(first.id);
    expect(repair).toMatchObject({
      assigned_agent: "pro",
      assigned_role: "worker_pro",
      repair_route: "worker_pro",
    });
    expect(git(repair.workspace_path!, "rev-parse", "HEAD")).toBe(head);
    const text = fs.readFileSync(repair.briefing_path!, "utf8");
    expect(text).toContain(`Repair source commit: ${head}`);
    expect(text).toContain(`Base commit: ${w.base}`);
    expect(text).toContain("Latest rejection findings: ['needs repair']");
    expect(text).toContain("Required repair fixes: ['repair it']");
    expect(text).toContain("Bound role required: worker_pro");
    const rec = await waitForRecord(w.records, repair.pid!);
    expect(rec.argv.slice(0, 5)).toEqual([
      "--agent",
      "build-pro",
      "--model",
      "xiaomi/mimo-v2.5-pro",
      "--trust",
    ]);
    await expect(launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" })).rejects.toThrow(
      `Work package already has an active Mimo session: ${repair.id}`,
    );
    for (const s of [first, repair]) tellExit(w.records, s.pid!);
  });

  test("pro unavailable: the junior repairs (free_mimo_junior_repair) with its own model and agent", async () => {
    const { w, pkg, first, head } = await rejected(false);
    const repair = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    expect(repair).toMatchObject({
      assigned_agent: "mimo-2.5",
      assigned_role: "worker_junior",
      mimo_model: "xiaomi/mimo-v2.5",
      mimo_agent: "build",
      repair_route: "free_mimo_junior_repair",
      lifecycle_state: "TUI_DETACHED",
    });
    expect(git(repair.workspace_path!, "rev-parse", "HEAD")).toBe(head);
    const text = fs.readFileSync(repair.briefing_path!, "utf8");
    for (const line of [
      "Registered agent: mimo-2.5",
      "Bound role required: worker_junior",
      "Selected provider/model backend: xiaomi/mimo-v2.5",
      "Selected MiMoCode TUI agent: build",
      `Repair source commit: ${head}`,
    ]) {
      expect(text).toContain(line);
    }
    for (const s of [first, repair]) tellExit(w.records, s.pid!);
  });

  test("a PREPARED session from before the rejection still blocks", async () => {
    const { w, pkg, first } = await rejected();
    w.db.prepare("UPDATE mimo_sessions SET lifecycle_state = 'PREPARED' WHERE id = ?").run(first.id);
    await expect(launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" })).rejects.toThrow(
      `active Mimo session: ${first.id}`,
    );
    tellExit(w.records, first.pid!);
  });

  test("a later 'blocked' review does not move the cut-off", async () => {
    const { w, pkg, first } = await rejected();
    // A second TUI after the rejection, then a blocked review: that TUI still holds the lock.
    w.db.prepare("DELETE FROM reviews").run();
    await new Promise((r) => setTimeout(r, 5));
    insertReview(w, pkg, "blocked", ["stuck"], []);
    await expect(launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" })).rejects.toThrow(
      `active Mimo session: ${first.id}`,
    );
    tellExit(w.records, first.pid!);
  });

  test("a TUI recorded closed releases the lock for a normal relaunch", async () => {
    const { w, pkg, first } = await rejected();
    w.db.prepare("UPDATE work_packages SET status = 'ASSIGNED' WHERE id = ?").run(pkg);
    await expect(launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" })).rejects.toThrow(
      `active Mimo session: ${first.id}`,
    );
    recordTuiClosed(w.glm, first.id, "window closed by the user");
    const again = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    expect(again.lifecycle_state).toBe("TUI_DETACHED");
    for (const s of [first, again]) tellExit(w.records, s.pid!);
  });

  test("repair needs the rejection hook and a submitted commit", async () => {
    const { w, pkg, first } = await rejected();
    w.db.prepare("UPDATE work_packages SET worker_pro_available = 0 WHERE id = ?").run(pkg);
    await expect(launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" })).rejects.toThrow(
      "Repair dispatch requires a recorded GLM rejection hook",
    );
    w.db.prepare("UPDATE work_packages SET worker_pro_available = 1 WHERE id = ?").run(pkg);
    w.db.prepare("DELETE FROM submissions").run();
    await expect(launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" })).rejects.toThrow(
      "Mimo repair dispatch requires a submitted worker commit to repair",
    );
    tellExit(w.records, first.pid!);
  });
});
