import { execFileSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { commitAll, removeDir, tempDir } from "../helpers/git-repo.js";
import {
  commitFiles,
  createPackage,
  inProcessCaller,
  makeGraceRepo,
  planTask,
  PACKET_ARGS,
  submit,
  workerReport,
  type Caller,
} from "../helpers/git-repo-lifecycle.js";

let caller: (Caller & { ctx: { db: import("better-sqlite3").Database } }) | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await caller?.close();
  caller = null;
  dirs.splice(0).forEach(removeDir);
});

function setup() {
  const dataDir = tempDir("grace-scope-data-");
  const { repo, base } = makeGraceRepo();
  dirs.push(dataDir, repo);
  caller = inProcessCaller(dataDir);
  return { call: caller.call, refuse: caller.refuse, db: caller.ctx.db, repo, base };
}

/** A planned task with one package (`extra` replaces its arguments) that junior-1 has claimed. */
async function claimed(extra: Record<string, unknown> = {}) {
  const world = setup();
  const { taskId } = await planTask(world.call, world.repo);
  const pkg = await createPackage(world.call, taskId, world.base, extra);
  await world.call("junior", "workpackage.claim", { work_package_id: pkg.id });
  return { ...world, taskId, pkgId: pkg.id };
}

/** A submission whose report passes its gate, so only the scope check can refuse it. */
function refuseSubmission(taskId: number, pkgId: number, head: string, files: string[]): Promise<string> {
  return caller!.refuse("junior", "submission.create", {
    work_package_id: pkgId,
    summary: "x",
    head_commit: head,
    tests_run: [{ command_key: "unit", exit_code: 0 }],
    risk_notes: "low",
    worker_report: workerReport(taskId, pkgId, files),
  });
}

function commitLink(repo: string, link: string, target: string): string {
  symlinkSync(target, path.join(repo, link));
  return commitAll(repo, `link ${link}`);
}

describe("submission scope: the task's scope as well as the package's", () => {
  test("a change the task forbids is refused even when the package's own scope allows it", async () => {
    const { call, db, repo, base } = setup();
    const { taskId } = await planTask(call, repo); // task: allowed src/**, tests/**; forbidden src/config/**
    const pkg = await createPackage(call, taskId, base, { allowed_files: ["src/**"], forbidden_files: [] });
    // Package creation copies the task's forbidden patterns; a package stored without them
    // (an older ledger, or an edit) must still not reach what the task forbids.
    db.prepare("UPDATE work_packages SET forbidden_files_json = '[]' WHERE id = ?").run(pkg.id);
    await call("junior", "workpackage.claim", { work_package_id: pkg.id });
    const head = commitFiles(repo, { "src/config/settings.ts": "export const open = true;\n" });
    const message = await refuseSubmission(taskId, pkg.id, head, ["src/config/settings.ts"]);
    expect(message).toBe(
      `Submission changed forbidden file: src/config/settings.ts (scope of task ${taskId})`,
    );
  });

  test("a package stored with a scope wider than its task cannot submit outside the task", async () => {
    const { call, db, repo, base } = setup();
    const { taskId } = await planTask(call, repo);
    const pkg = await createPackage(call, taskId, base);
    await call("junior", "workpackage.claim", { work_package_id: pkg.id });
    // The state the unsound subset proof let in: task at src/*, package at src/{**,x}.
    db.prepare("UPDATE tasks SET allowed_files_json = ? WHERE id = ?").run('["src/*"]', taskId);
    db.prepare("UPDATE work_packages SET allowed_files_json = ? WHERE id = ?").run('["src/{**,x}"]', pkg.id);
    const head = commitFiles(repo, { "src/deep/nested/evil.ts": "evil\n" });
    const message = await refuseSubmission(taskId, pkg.id, head, ["src/deep/nested/evil.ts"]);
    expect(message).toBe(
      `Submission changed file outside allowed scope: src/deep/nested/evil.ts (scope of task ${taskId})`,
    );
  });

  test("a package at src/{**,x} is not inside a task at src/*", async () => {
    const { call, repo, base } = setup();
    const { projectId } = await planTask(call, repo);
    const task = await call("codex", "task.create_codex_task", {
      project_id: projectId,
      title: "Flat sources only",
      objective: "o",
      architecture_intent: "a",
      constraints: [],
      non_goals: [],
      acceptance_criteria: ["c"],
      allowed_files: ["src/*"],
      forbidden_files: [],
    });
    await call("glm", "task.plan", { task_id: task.id });
    await call("glm", "verification.register_plan", {
      task_id: task.id,
      test_strategy: "unit",
      test_commands: ["unit"],
    });
    const message = await caller!.refuse("glm", "workpackage.create", {
      task_id: task.id,
      title: "t",
      objective: "o",
      allowed_files: ["src/{**,x}"],
      forbidden_files: [],
      assigned_junior_agent: "junior-1",
      assigned_pro_agent: "pro-1",
      base_commit: base,
      ...PACKET_ARGS,
    });
    expect(message).toBe("Work package scope must be a subset of its parent task scope");
  });
});

describe("submission scope: a forbidden path in another spelling of the same file", () => {
  // On a case-folding, normalising file system (APFS) each name is the forbidden directory.
  const spellings: [string, string, string][] = [
    ["a long s", "src/orderdesk/secrets/**", "src/orderdesk/\u017fecrets/key.pem"],
    ["a Kelvin sign", "src/orderdesk/Keys/**", "src/orderdesk/\u212aeys/id.pem"],
    ["a decomposed accent", "src/orderdesk/caf\u00e9/**", "src/orderdesk/cafe\u0301/menu.ts"],
  ];
  test.each(spellings)("a change spelled with %s is refused as forbidden", async (_how, forbidden, file) => {
    const { repo, taskId, pkgId } = await claimed({ forbidden_files: [forbidden] });
    const head = commitFiles(repo, { [file]: "leaked\n" });
    const message = await refuseSubmission(taskId, pkgId, head, [file]);
    expect(message).toBe(`Submission changed forbidden file: ${file}`);
  });
});

describe("submission scope: a nested .git is never content", () => {
  /** A commit on `base` adding an executable at `file`, built with plumbing (git add refuses such names). */
  function plumbedCommit(repo: string, base: string, file: string): string {
    const run = (input: string, ...args: string[]) =>
      execFileSync("git", args, { cwd: repo, input, encoding: "utf8" }).trim();
    const blob = run("#!/bin/sh\necho pwned\n", "hash-object", "-w", "--stdin");
    const tree = (dir: string[], rest: string[]): string => {
      // The entries the base already has at this level (none below a new directory).
      const listed = run("", "ls-tree", base, "--", dir.length === 0 ? "." : `${dir.join("/")}/`);
      const existing = listed
        .split("\n")
        .filter(Boolean)
        .map((line) => line.replace(/\t.*\//, "\t"));
      const [name, ...below] = rest as [string, ...string[]];
      const entry =
        below.length === 0
          ? `100755 blob ${blob}\t${name}`
          : `040000 tree ${tree([...dir, name], below)}\t${name}`;
      const kept = existing.filter((line) => line.split("\t")[1] !== name);
      return run([...kept, entry].join("\n") + "\n", "mktree", "--missing");
    };
    return run("", "commit-tree", tree([], file.split("/")), "-p", base, "-m", "nested git");
  }

  test.each(["src/orderdesk/.git/hooks/post-checkout", "src/orderdesk/.GIT/config"])(
    "a change adding %s is refused",
    async (file) => {
      const { repo, base, taskId, pkgId } = await claimed();
      const head = plumbedCommit(repo, base, file);
      const message = await refuseSubmission(taskId, pkgId, head, [file]);
      expect(message).toBe(
        `Submission path has a component git refuses to check out (a spelling of .git): ${file}`,
      );
    },
  );
});

describe("submission scope: symlinks are content", () => {
  const refusals: [string, string, string][] = [
    ["leaves the repository", "../../../../etc/passwd", ": its target leaves the repository"],
    ["is absolute", "/etc/passwd", ": its target is an absolute path"],
    ["lands in a forbidden path", "secrets/key.pem", " into forbidden file: src/orderdesk/secrets/key.pem"],
    ["lands outside the allowed scope", "../../README.md", " pointing outside allowed scope: README.md"],
    ["lands inside .git", "../../.git/config", ": its target is inside .git"],
  ];
  test.each(refusals)("a committed in-scope symlink that %s is refused", async (_what, target, tail) => {
    const { repo, taskId, pkgId } = await claimed();
    const head = commitLink(repo, "src/orderdesk/link.ts", target);
    const message = await refuseSubmission(taskId, pkgId, head, ["src/orderdesk/link.ts"]);
    expect(message).toBe(`Submission adds symlink src/orderdesk/link.ts -> ${JSON.stringify(target)}${tail}`);
  });

  test("a link through a symlink already in the tree is followed on the tree, not the checkout", async () => {
    const { call, repo } = setup();
    const base = commitLink(repo, "docs/up", ".."); // an unchanged link in the base tree
    const { taskId } = await planTask(call, repo);
    const pkg = await createPackage(call, taskId, base);
    await call("junior", "workpackage.claim", { work_package_id: pkg.id });
    // Lexically docs/up/../x is docs/x (inside); through the link it is ../x (outside).
    const head = commitLink(repo, "src/orderdesk/link.ts", "../../docs/up/../x");
    const message = await refuseSubmission(taskId, pkg.id, head, ["src/orderdesk/link.ts"]);
    expect(message).toContain(": its target leaves the repository");
  });

  test("a symlink to a file inside the package scope is accepted", async () => {
    const { call, repo, taskId, pkgId } = await claimed();
    const head = commitLink(repo, "src/orderdesk/alias.ts", "store.ts");
    const submission = await submit(call, "junior", taskId, pkgId, head, ["src/orderdesk/alias.ts"]);
    expect(submission["files_changed"]).toEqual(["src/orderdesk/alias.ts"]);
  });
});

describe("submission scope: names a Windows checkout cannot hold", () => {
  test.each([
    ["src/orderdesk/aux.ts", "a reserved device name"],
    ["src/orderdesk/a:b.ts", "a character Windows does not allow"],
    ["src/orderdesk/notes.", "a name ending in a dot or a space"],
  ])("a change writing %s is refused (%s)", async (file, reason) => {
    const { repo, taskId, pkgId } = await claimed();
    const head = commitFiles(repo, { [file]: "x\n" });
    const message = await refuseSubmission(taskId, pkgId, head, [file]);
    expect(message).toMatch(/^Submission path cannot be checked out on Windows \(/);
    expect(message).toContain(reason);
    expect(message.endsWith(`: ${file}`)).toBe(true);
  });

  test("a change deleting such a name is accepted: that is how a repository loses it", async () => {
    const world = setup();
    const file = "src/orderdesk/con.ts";
    const base = commitFiles(world.repo, { [file]: "legacy\n" }, "a name from before");
    const { taskId } = await planTask(world.call, world.repo);
    const pkg = await createPackage(world.call, taskId, base);
    await world.call("junior", "workpackage.claim", { work_package_id: pkg.id });
    execFileSync("git", ["rm", "-q", file], { cwd: world.repo });
    const head = commitAll(world.repo, "remove con.ts");
    const submission = await submit(world.call, "junior", taskId, pkg.id, head, [file]);
    expect(submission["files_changed"]).toEqual([file]);
  });
});
