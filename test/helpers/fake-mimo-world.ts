import fs from "node:fs";
import path from "node:path";
import { afterEach } from "vitest";
import { identityFor } from "../../src/config/identity.js";
import type { Role } from "../../src/domain/roles.js";
import { openLedger, type Db } from "../../src/ledger/database.js";
import type { MimoRuntime } from "../../src/mimo/runtime.js";
import { registerAgent } from "../../src/service/agents.js";
import { createServiceContext, type ServiceContext } from "../../src/service/context.js";
import { initProject } from "../../src/service/projects.js";
import { createCodexTask } from "../../src/service/tasks.js";
import { commitAll, initRepo, tempDir, writeFile } from "./git-repo.js";

export const FAKE_MIMO = path.resolve(import.meta.dirname, "..", "..", "scripts", "demo", "fake-mimo.mjs");

/** Kept as the world's name for identityFor. */
export const actor = identityFor;

/** A maker of worlds that are closed after each test of the calling file. */
export function closedWorlds(): (opts?: WorldOptions) => Promise<World> {
  const worlds: World[] = [];
  afterEach(() => {
    for (const w of worlds.splice(0)) w.close();
  });
  return async (opts) => {
    const w = await makeWorld(opts);
    worlds.push(w);
    return w;
  };
}

export interface World {
  root: string;
  repo: string;
  dataDir: string;
  records: string;
  db: Db;
  codex: ServiceContext;
  glm: ServiceContext;
  projectId: number;
  taskId: number;
  base: string;
  runtime: MimoRuntime;
  ctxAs(name: string, role: Role, dataDir?: string): ServiceContext;
  user(): ServiceContext;
  close(): void;
}

export interface WorldOptions {
  /** Folder name of the data dir below the world root (spaces, quotes and shell syntax welcome). */
  dataDirName?: string;
}

/** A real repo, a real ledger, codex + glm contexts, one task; Mimo is the fake script. */
export async function makeWorld(opts: WorldOptions = {}): Promise<World> {
  const root = tempDir("grace-mimo-");
  const repo = path.join(root, "repo");
  fs.mkdirSync(repo);
  initRepo(repo);
  writeFile(repo, "src/app.ts", "export const x = 1;\n");
  const base = commitAll(repo, "initial");
  const dataDir = path.join(root, opts.dataDirName ?? "data");
  const records = path.join(root, "records");
  fs.mkdirSync(records, { recursive: true });
  const db = openLedger(dataDir);
  const contexts: ServiceContext[] = [];
  const ctxAs = (name: string, role: Role, dir = dataDir) => {
    const c = createServiceContext(db, actor(name, role), dir);
    contexts.push(c);
    return c;
  };
  const codex = ctxAs("codex-main", "codex");
  const glm = ctxAs("glm-1", "glm");
  const project = await initProject(codex, {
    name: "demo",
    repo_path: repo,
    grace_path: ".",
    main_branch: "main",
  });
  registerAgent(codex, { project_id: project.id, name: "glm-1", primary_role: "glm", capabilities: ["glm"] });
  const task = createCodexTask(codex, {
    project_id: project.id,
    title: "Demo task",
    objective: "Make x two",
    architecture_intent: "tiny",
    constraints: ["keep it small"],
    non_goals: [],
    acceptance_criteria: ["x is 2"],
    allowed_files: ["src/**"],
    forbidden_files: ["tests/**"],
  });
  return {
    root,
    repo,
    dataDir,
    records,
    db,
    codex,
    glm,
    projectId: project.id,
    taskId: task.id,
    base,
    runtime: {
      command: FAKE_MIMO,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? root, FAKE_MIMO_RECORD_DIR: records },
    },
    ctxAs,
    user: () => ctxAs("human", "user"),
    close() {
      fs.writeFileSync(path.join(records, "exit-all"), "");
      for (const c of contexts) c.signal.close();
      db.close();
    },
  };
}

export function addAgent(
  w: World,
  name: string,
  role: Role,
  extra: { mimo_model?: string; mimo_agent?: string; capabilities?: Role[] } = {},
): void {
  registerAgent(w.codex, {
    project_id: w.projectId,
    name,
    primary_role: role,
    capabilities: extra.capabilities ?? [role],
    mimo_model: extra.mimo_model,
    mimo_agent: extra.mimo_agent,
  });
}

/** A package inserted directly (the lifecycle tools are tested elsewhere). */
export function insertPackage(
  w: World,
  p: { status: string; junior: string; pro?: string | null; proAvailable?: boolean; base?: string },
): number {
  const now = new Date().toISOString();
  return Number(
    w.db
      .prepare(
        `INSERT INTO work_packages (task_id, title, objective, allowed_files_json, forbidden_files_json, assigned_junior_agent,
           assigned_pro_agent, worker_pro_available, base_commit, status, created_at, updated_at)
         VALUES (?, 'Package one', 'Change x', '["src/**"]', '["tests/**"]', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(w.taskId, p.junior, p.pro ?? null, p.proAvailable ? 1 : 0, p.base ?? w.base, p.status, now, now)
      .lastInsertRowid,
  );
}

export function insertSubmission(w: World, packageId: number, head: string, by = "junior"): void {
  w.db
    .prepare(
      `INSERT INTO submissions (work_package_id, submitted_by_agent, base_commit, head_commit, diff, diff_hash, summary,
         tests_run_json, files_changed_json, created_at)
       VALUES (?, ?, ?, ?, '', '', 'done', '[]', '[]', ?)`,
    )
    .run(packageId, by, w.base, head, new Date().toISOString());
}

export function insertReview(
  w: World,
  packageId: number,
  decision: string,
  findings: string[],
  fixes: string[],
): void {
  w.db
    .prepare(
      `INSERT INTO reviews (target_type, target_id, reviewer_role, reviewer_agent, effective_role, decision, findings_json,
         required_fixes_json, created_at)
       VALUES ('work_package', ?, 'glm', 'glm-1', 'glm', ?, ?, ?, ?)`,
    )
    .run(packageId, decision, JSON.stringify(findings), JSON.stringify(fixes), new Date().toISOString());
}

export interface MimoRecord {
  argv: string[];
  executable: string;
  cwd: string;
  pid: number;
  env: Record<string, string>;
  /** Names of every variable the process saw (values are not recorded: they may be secrets). */
  env_keys: string[];
  path_env: string | null;
  home: string | null;
}

/**
 * Where the fake mimo finds its record dir when the launch passes no test variables: its own
 * configuration below XDG_CONFIG_HOME, as the real Mimo finds its own. Returns that XDG dir.
 */
export function writeFakeMimoConfig(
  xdgConfigHome: string,
  config: { record_dir: string; exit_code?: number },
) {
  const dir = path.join(xdgConfigHome, "fake-mimo");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  return xdgConfigHome;
}

export async function waitForRecord(records: string, pid: number, timeoutMs = 10_000): Promise<MimoRecord> {
  const file = path.join(records, `mimo-${pid}.json`);
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`fake mimo ${pid} wrote no record`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as MimoRecord;
}

export function tellExit(records: string, pid: number): void {
  fs.writeFileSync(path.join(records, `exit-${pid}`), "");
}

export function sessions(w: World): { id: number; lifecycle_state: string; failure_reason: string | null }[] {
  return w.db.prepare("SELECT * FROM mimo_sessions ORDER BY id").all() as never;
}

export function listDir(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String) : [];
}
