import { expect, test } from "vitest";
import { buildContext, type Trigger } from "../../src/continuation/context.js";
import { openLedger, type Db } from "../../src/ledger/database.js";
import { insertReview } from "../../src/ledger/tables/reviews.js";
import { snapshot } from "../../src/status/snapshot.js";
import { timelines } from "../../src/status/timeline.js";
import { scratchDirs } from "../helpers/scratch-dirs.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

const dirs = scratchDirs();

function trigger(projectId: number, taskId: number, packageId: number | null): Trigger {
  const run = `project-${projectId}/task-${taskId}/package-${packageId ?? 0}`;
  return {
    runId: run,
    continuationId: "cont_1",
    sourceEventId: "evt_1",
    attemptId: "att_1",
    attemptCount: 1,
    eventIndex: 1,
    eventsPath: `/nowhere/${run}/events.ndjson`,
    runRoot: `/nowhere/${run}`,
    event: {
      type: "WORKER_READY_FOR_REVIEW",
      project_id: projectId,
      task_id: taskId,
      work_package_id: packageId,
    },
  };
}

function review(targetType: "work_package" | "task", targetId: number, decision: string) {
  return {
    target_type: targetType,
    target_id: targetId,
    reviewer_role: "glm",
    reviewer_agent: "glm-main",
    effective_role: "glm",
    decision,
    findings_json: "[]",
    required_fixes_json: "[]",
    created_at: new Date().toISOString(),
  };
}

/** Runs `fn` on a ledger holding one task with two claimed packages. */
function withTwoPackages(
  fn: (db: Db, s: { seeded: ReturnType<typeof seedClaimedPackage>; own: number; sibling: number }) => void,
): void {
  const dataDir = dirs("review-reads-");
  const seeded = seedClaimedPackage(dataDir, dirs("review-reads-repo-"), "junior-1", 2);
  const [own, sibling] = seeded.packageIds as [number, number];
  const db = openLedger(dataDir);
  try {
    fn(db, { seeded, own, sibling });
  } finally {
    db.close();
  }
}

test("a revived controller sees the newest review of its own package, not of the task or a sibling", () => {
  withTwoPackages((db, { seeded, own, sibling }) => {
    const before = buildContext(db, trigger(seeded.projectId, seeded.taskId, own));
    expect(before.latest_review).toBeNull();
    expect(before.controller_state.latest_review_decision).toBeNull();

    insertReview(db, review("work_package", own, "rejected_repair_required"));
    const newest = insertReview(db, review("work_package", own, "accepted"));
    insertReview(db, review("work_package", sibling, "blocked"));
    insertReview(db, review("task", seeded.taskId, "rejected_repair_required"));

    const ctx = buildContext(db, trigger(seeded.projectId, seeded.taskId, own));
    expect(ctx.latest_review?.id).toBe(newest);
    expect(ctx.controller_state.latest_review_decision).toBe("accepted");
    expect(buildContext(db, trigger(seeded.projectId, seeded.taskId, sibling)).latest_review?.decision).toBe(
      "blocked",
    );
    expect(buildContext(db, trigger(seeded.projectId, seeded.taskId, null)).latest_review).toBeNull();
    expect(buildContext(null, trigger(seeded.projectId, seeded.taskId, own)).latest_review).toBeNull();
  });
});

test("the status page's package timeline lists that package's reviews as '<role> review: <decision>'", () => {
  withTwoPackages((db, { seeded, own, sibling }) => {
    insertReview(db, review("work_package", own, "rejected_repair_required"));
    insertReview(db, review("work_package", sibling, "accepted"));
    insertReview(db, review("task", seeded.taskId, "accepted"));
    const byPackage = timelines(db, snapshot(db));
    const reviewsOf = (id: number) =>
      byPackage
        .get(id)
        ?.filter((e) => e.kind === "review")
        .map((e) => e.label);
    expect(reviewsOf(own)).toEqual(["glm review: rejected_repair_required"]);
    expect(reviewsOf(sibling)).toEqual(["glm review: accepted"]);
  });
});
