import { openLedger } from "../../src/ledger/database.js";

export interface Seeded {
  projectId: number;
  taskId: number;
  packageId: number;
}

/**
 * Writes a project, a task and a package claimed by `worker` straight through the ledger layer,
 * for handoff tests that must not depend on the package lifecycle tools.
 */
export function seedClaimedPackage(
  dataDir: string,
  repo: string,
  worker = "junior-1",
  packages = 1,
): Seeded & { packageIds: number[] } {
  const db = openLedger(dataDir);
  try {
    const now = new Date().toISOString();
    const projectId = Number(
      db
        .prepare(
          `INSERT INTO projects (name, repo_path, grace_path, main_branch, allowed_test_commands_json, created_at, updated_at)
           VALUES ('seeded', ?, ?, 'main', '{}', ?, ?)`,
        )
        .run(repo, repo, now, now).lastInsertRowid,
    );
    for (const [name, role] of [
      ["codex-main", "codex"],
      [worker, "worker_junior"],
    ] as const) {
      db.prepare(
        `INSERT INTO agents (project_id, name, primary_role, capabilities_json, availability, updated_at)
         VALUES (?, ?, ?, ?, 'available', ?)`,
      ).run(projectId, name, role, JSON.stringify([role]), now);
    }
    const taskId = Number(
      db
        .prepare(
          `INSERT INTO tasks (project_id, created_by_role, title, objective, architecture_intent, constraints_json, non_goals_json,
             acceptance_criteria_json, allowed_files_json, forbidden_files_json, status, created_at, updated_at)
           VALUES (?, 'codex', 't', 'o', 'a', '[]', '[]', '[]', '["src/**"]', '[]', 'WORK_PACKAGES_ASSIGNED', ?, ?)`,
        )
        .run(projectId, now, now).lastInsertRowid,
    );
    const packageIds: number[] = [];
    for (let i = 0; i < packages; i += 1) {
      packageIds.push(
        Number(
          db
            .prepare(
              `INSERT INTO work_packages (task_id, title, objective, allowed_files_json, forbidden_files_json, assigned_junior_agent,
                 base_commit, status, claimed_by_agent, created_at, updated_at)
               VALUES (?, ?, 'o', '["src/**"]', '[]', ?, 'base', 'CLAIMED_JUNIOR', ?, ?, ?)`,
            )
            .run(taskId, `wp-${i}`, worker, worker, now, now).lastInsertRowid,
        ),
      );
    }
    return { projectId, taskId, packageId: packageIds[0]!, packageIds };
  } finally {
    db.close();
  }
}

/**
 * A project with GLM `glm-1` and worker `junior-1` (Mimo model xiaomi/mimo-v2.5), a task, and one
 * ASSIGNED package Mimo may be launched for, written straight through the ledger layer (no git:
 * the Windows suite has none), for tests of the launch itself.
 */
export function seedLaunchablePackage(dataDir: string, repo: string): Seeded {
  const seeded = seedClaimedPackage(dataDir, repo, "junior-1");
  const db = openLedger(dataDir);
  try {
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO agents (project_id, name, primary_role, capabilities_json, availability, updated_at)
       VALUES (?, 'glm-1', 'glm', '["glm"]', 'available', ?)`,
    ).run(seeded.projectId, now);
    db.prepare(
      "UPDATE agents SET mimo_model = 'xiaomi/mimo-v2.5' WHERE project_id = ? AND name = 'junior-1'",
    ).run(seeded.projectId);
    db.prepare("UPDATE work_packages SET status = 'ASSIGNED', claimed_by_agent = NULL WHERE id = ?").run(
      seeded.packageId,
    );
    return { projectId: seeded.projectId, taskId: seeded.taskId, packageId: seeded.packageId };
  } finally {
    db.close();
  }
}
