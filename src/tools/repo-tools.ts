import { z } from "zod";
import { DIFF_PAGE_DEFAULT_BYTES, DIFF_PAGE_MAX_BYTES } from "../domain/limits.js";
import { getRepoDiff, getRepoStatus, runTests } from "../service/repo.js";
import { STAFF, defineTool } from "./registry.js";
import { WORKER_CAPABLE } from "./package-tools.js";
import { args, id, name, packageId, projectId, stringList, taskId } from "./schemas.js";

export const repoTools = [
  defineTool({
    name: "repo.status",
    title: "Repository status",
    description: "git status of the project repository (branch and changed paths).",
    roles: STAFF,
    readOnly: true,
    input: args({ project_id: projectId }),
    handler: (svc, a) => getRepoStatus(svc, a.project_id),
  }),
  defineTool({
    name: "repo.diff",
    title: "Repository diff",
    description: `One page of the working tree's diff (by scope) or of a submission's (submission_id): limit bytes (default ${DIFF_PAGE_DEFAULT_BYTES}) from offset; continue from next_offset while has_more.`,
    roles: STAFF,
    readOnly: true,
    input: args({
      project_id: projectId,
      scope: z.enum(["all", "staged", "file_list"]).optional().describe("Default all"),
      file_list: stringList.optional().describe("Repo-relative paths, for scope file_list"),
      submission_id: id.optional().describe("From task.get; instead of scope"),
      offset: z
        .number()
        .int()
        .min(0)
        .max(Number.MAX_SAFE_INTEGER)
        .optional()
        .describe("next_offset of the previous page"),
      limit: z.number().int().min(1).max(DIFF_PAGE_MAX_BYTES).optional().describe("Page bytes"),
    }),
    handler: (svc, a) => getRepoDiff(svc, a),
  }),
  defineTool({
    name: "repo.run_tests",
    title: "Run an allowlisted test command",
    description:
      "Runs an allowlisted test command (no shell) in the repo, or in the package's worktree; records the run and its logs. Returns exit_code and test_run_id.",
    roles: WORKER_CAPABLE,
    readOnly: false,
    input: args({
      project_id: projectId,
      task_id: taskId,
      work_package_id: packageId.nullable().describe("Workers must give theirs"),
      command_key: name.describe("A key of allowed_test_commands"),
    }),
    handler: (svc, a) => runTests(svc, a),
  }),
];
