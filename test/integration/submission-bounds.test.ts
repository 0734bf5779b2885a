import { afterEach, expect, test } from "vitest";
import { SUBMISSION_DIFF_MAX_BYTES } from "../../src/domain/limits.js";
import { removeDir, tempDir } from "../helpers/git-repo.js";
import {
  commitFiles,
  createPackage,
  inProcessCaller,
  makeGraceRepo,
  planTask,
  workerReport,
} from "../helpers/git-repo-lifecycle.js";

let caller: ReturnType<typeof inProcessCaller> | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await caller?.close();
  caller = null;
  dirs.splice(0).forEach(removeDir);
});

// The diff is read into memory, stored in the shared ledger and read back by every submission
// view: a worker committing a huge in-scope file must be refused before any of that.
test("a submission whose diff exceeds the bound is refused and nothing is stored", async () => {
  const dataDir = tempDir("grace-bounds-data-");
  const { repo, base } = makeGraceRepo();
  dirs.push(dataDir, repo);
  caller = inProcessCaller(dataDir);
  const { taskId } = await planTask(caller.call, repo);
  const pkg = await createPackage(caller.call, taskId, base);
  await caller.call("junior", "workpackage.claim", { work_package_id: pkg.id });
  const file = "src/orderdesk/fixtures.txt";
  const head = commitFiles(repo, { [file]: "0123456789abcde\n".repeat(SUBMISSION_DIFF_MAX_BYTES / 16 + 1) });
  const message = await caller.refuse("junior", "submission.create", {
    work_package_id: pkg.id,
    summary: "fixtures",
    head_commit: head,
    tests_run: [],
    risk_notes: "",
    worker_report: workerReport(taskId, pkg.id, [file]),
  });
  expect(message).toBe(
    `Submission diff from ${base} to ${head} is larger than ${SUBMISSION_DIFF_MAX_BYTES} bytes ` +
      "(16 MiB); commit generated or binary data elsewhere, or split the work into smaller packages",
  );
  const db = caller.ctx.db;
  expect(db.prepare("SELECT COUNT(*) AS n FROM submissions").get()).toEqual({ n: 0 });
  expect(db.prepare("SELECT status FROM work_packages WHERE id = ?").get(pkg.id)).toEqual({
    status: "CLAIMED_JUNIOR",
  });
});
