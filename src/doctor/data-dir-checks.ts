/** Doctor checks of the data dir: where it is, writable, outside repositories, its ledger, free space. */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { enclosingRepo } from "../config/data-dir.js";
import { defaultDataDir } from "../config/settings.js";
import { LEDGER_FILE } from "../ledger/database.js";
import { LATEST_VERSION } from "../ledger/migrations.js";
import { ok, problem, type CheckResult, type DoctorContext } from "./check.js";

const SECTION = "Data dir";
const LOW_SPACE_BYTES = 1024 ** 3;
const TOO_LITTLE_SPACE_BYTES = 100 * 1024 ** 2;

export function dataDirChecks(dataDir: string, ctx: DoctorContext): CheckResult[] {
  const source = dataDirSource(dataDir, ctx);
  if (!fs.existsSync(dataDir)) {
    return [
      problem(
        "fail",
        SECTION,
        `The data dir does not exist: ${dataDir}`,
        "Expected before the first start: the first server an MCP client starts with this data dir creates it; if servers already run, point GRACE_ORCHESTRATOR_DATA_DIR (or --data-dir) at the data_dir orchestrator.whoami shows.",
        [`from ${source}`],
      ),
    ];
  }
  return [where(dataDir, source), outsideRepos(dataDir), ledger(dataDir), freeSpace(dataDir)];
}

function dataDirSource(dataDir: string, ctx: DoctorContext): string {
  if (ctx.dataDirFlag) return "--data-dir";
  return dataDir === path.resolve(defaultDataDir(ctx.env, ctx.platform))
    ? "the per-user default"
    : "GRACE_ORCHESTRATOR_DATA_DIR";
}

function where(dataDir: string, source: string): CheckResult {
  const probe = path.join(dataDir, `.doctor-${process.pid}.tmp`);
  try {
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (error) {
    return problem(
      "fail",
      SECTION,
      `The data dir is not writable: ${dataDir}`,
      "Give this user write access to it, or point GRACE_ORCHESTRATOR_DATA_DIR elsewhere.",
      [String((error as Error).message)],
    );
  }
  return ok(SECTION, `${dataDir} (writable)`, [`from ${source}`]);
}

function outsideRepos(dataDir: string): CheckResult {
  const repo = enclosingRepo(dataDir);
  if (repo === null) return ok(SECTION, "outside every git repository");
  return problem(
    "fail",
    SECTION,
    `The data dir is inside the git repository ${repo}`,
    "Move it out (worktrees would land in that working tree); the bins refuse to start there.",
  );
}

function ledger(dataDir: string): CheckResult {
  const file = path.join(dataDir, LEDGER_FILE);
  if (!fs.existsSync(file)) return ok(SECTION, "no ledger yet (the first server start creates it)");
  let version: number;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      version = db.pragma("user_version", { simple: true }) as number;
    } finally {
      db.close();
    }
  } catch (error) {
    return problem(
      "fail",
      SECTION,
      `The ledger cannot be read: ${file}`,
      "Check the file's permissions; restore it from a backup if it is damaged.",
      [(error as Error).message],
    );
  }
  if (version > LATEST_VERSION)
    return problem(
      "fail",
      SECTION,
      `Ledger schema ${version} is newer than this build's ${LATEST_VERSION}`,
      "Upgrade grace-orchestrator-mcp (git pull, npm ci, npm run build).",
    );
  if (version < LATEST_VERSION)
    return problem(
      "warn",
      SECTION,
      `Ledger schema ${version} is older than this build's ${LATEST_VERSION}`,
      "Start the server once: it migrates the ledger.",
    );
  return ok(SECTION, `ledger schema ${version} (current)`, [file]);
}

function freeSpace(dataDir: string): CheckResult {
  const stats = fs.statfsSync(dataDir);
  return freeSpaceCheck(stats.bavail * stats.bsize);
}

/** Lowest first: under 100 MiB fails (writes will), under 1 GiB warns (a few worktrees fill it). */
const SPACE_LIMITS = [
  {
    below: TOO_LITTLE_SPACE_BYTES,
    verdict: "fail",
    fix: "Free space: worktrees and the ledger need room to write.",
  },
  {
    below: LOW_SPACE_BYTES,
    verdict: "warn",
    fix: "Free some space before starting work packages (each has a worktree).",
  },
] as const;

export function freeSpaceCheck(free: number): CheckResult {
  const text = `${(free / 1024 ** 3).toFixed(1)} GiB free`;
  const limit = SPACE_LIMITS.find((l) => free < l.below);
  return limit
    ? problem(limit.verdict, SECTION, `Only ${text} on the data dir's disk`, limit.fix)
    : ok(SECTION, text);
}
