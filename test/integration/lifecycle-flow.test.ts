import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import { at, objects, str } from "../helpers/answer.js";
import { tempDir } from "../helpers/git-repo.js";
import {
  fullLifecycle,
  inProcessCaller,
  makeGraceRepo,
  STORE,
  type Caller,
} from "../helpers/git-repo-lifecycle.js";

let caller: (Caller & { ctx: import("../../src/service/context.js").ServiceContext }) | undefined;
afterEach(async () => {
  await caller?.close();
  caller = undefined;
});

describe("full lifecycle through the tool handlers", () => {
  test("junior → GLM rejects → Pro repairs → GLM accepts → Codex accepts closes the task", async () => {
    const dataDir = tempDir("grace-life-data-");
    const { repo, base } = makeGraceRepo();
    caller = inProcessCaller(dataDir);
    const r = await fullLifecycle(caller.call, repo, base);
    expect(r.pkg!.status).toBe("CREATED");
    expect(at(r.first, "handoff_event", "type")).toBe("WORKER_READY_FOR_REVIEW");
    expect(r.first!.files_changed).toEqual([STORE]);
    expect(existsSync(str(r.first, "handoff_report_path"))).toBe(true);
    expect(readFileSync(str(r.second, "handoff_report_path"), "utf8")).toContain("Worker: pro-1");
    expect(at(r.rejected, "handoff_event", "type")).toBe("CONTROLLER_REWORK_REQUESTED");
    expect(r.proClaim!).toMatchObject({
      status: "CLAIMED_PRO",
      worker_pro_available: true,
      claimed_by_agent: "pro-1",
    });
    expect(r.accepted!).toMatchObject({ task_status: "GLM_ACCEPTED", work_package_status: "GLM_ACCEPTED" });
    expect(r.finalReview!.status).toBe("CODEX_FINAL_REVIEW");
    expect(objects(r.finalReview, "grace_artifacts").map((a) => a.created_by_agent)).toEqual(
      Array(6).fill("system:auto-import"),
    );
    expect(r.codex!.task_status).toBe("TASK_CLOSED");
    expect(r.closed!.status).toBe("TASK_CLOSED");
  });
});
