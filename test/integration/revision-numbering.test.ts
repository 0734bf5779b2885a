import { expect, test } from "vitest";
import { openLedger } from "../../src/ledger/database.js";
import {
  insertGraceArtifact,
  listArtifactsOfTask,
  nextArtifactRevision,
} from "../../src/ledger/tables/grace-artifacts.js";
import {
  insertVerificationPlan,
  latestVerificationPlanRevision,
} from "../../src/ledger/tables/verification-plans.js";
import { scratchDirs } from "../helpers/scratch-dirs.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

const dirs = scratchDirs();
const now = "2026-01-01T00:00:00.000Z";

test("artifact revisions count per task and artifact type; plan revisions per task, from 0", () => {
  const dataDir = dirs("revisions-");
  const { projectId, taskId } = seedClaimedPackage(dataDir, dirs("revisions-repo-"));
  const db = openLedger(dataDir);
  try {
    const artifact = (type: string) => {
      const revision = nextArtifactRevision(db, taskId, type);
      insertGraceArtifact(db, {
        project_id: projectId,
        task_id: taskId,
        artifact_type: type,
        path: `docs/${type}.xml`,
        content: `<${type} r='${revision}'/>`,
        content_hash: "h",
        revision,
        created_by_agent: "glm-main",
        created_at: now,
      });
      return revision;
    };
    expect([artifact("requirements"), artifact("requirements"), artifact("technology")]).toEqual([1, 2, 1]);
    expect(listArtifactsOfTask(db, taskId).map((a) => [a.artifact_type, a.revision])).toEqual([
      ["requirements", 1],
      ["requirements", 2],
      ["technology", 1],
    ]);

    expect(latestVerificationPlanRevision(db, taskId)).toBe(0);
    for (const revision of [1, 2]) {
      insertVerificationPlan(db, {
        task_id: taskId,
        revision,
        test_strategy: "s",
        test_commands_json: "[]",
        risk_coverage_json: "[]",
        acceptance_mapping_json: "{}",
        created_by_agent: "glm-main",
        created_at: now,
      });
    }
    expect(latestVerificationPlanRevision(db, taskId)).toBe(2);
    expect(latestVerificationPlanRevision(db, taskId + 1)).toBe(0);
  } finally {
    db.close();
  }
});
