import { describe, expect, test } from "vitest";
import { parseRunId } from "../../src/continuation/paths.js";
import { coversRun } from "../../src/continuation/waiter-mark.js";

/** Which runs a live handoff wait holds a launch back for: its own package's, or every one of its task's. */
const CASES: [
  string,
  { project_id: number; task_id: number; work_package_id: number | null },
  string,
  boolean,
][] = [
  [
    "the package waited on",
    { project_id: 1, task_id: 2, work_package_id: 3 },
    "project-1/task-2/package-3",
    true,
  ],
  [
    "another package of the task",
    { project_id: 1, task_id: 2, work_package_id: 4 },
    "project-1/task-2/package-3",
    false,
  ],
  [
    "a task-wide wait, any package of it",
    { project_id: 1, task_id: 2, work_package_id: null },
    "project-1/task-2/package-9",
    true,
  ],
  [
    "a task-wide wait on another task",
    { project_id: 1, task_id: 5, work_package_id: null },
    "project-1/task-2/package-3",
    false,
  ],
  [
    "the same ids in another project",
    { project_id: 7, task_id: 2, work_package_id: 3 },
    "project-1/task-2/package-3",
    false,
  ],
  [
    "a run id that is not a package's",
    { project_id: 1, task_id: 2, work_package_id: null },
    "elsewhere/run",
    false,
  ],
];

describe("a waiter mark covers a run", () => {
  test.each(CASES)("%s", (_name, mark, runId, covered) => {
    expect(coversRun(mark, parseRunId(runId))).toBe(covered);
  });
});
