/** Runs every doctor check in screen order and renders them: a Notes block of problems first. */
import fs from "node:fs";
import type { Settings } from "../config/settings.js";
import type { CheckResult, DoctorContext } from "./check.js";
import { dataDirChecks } from "./data-dir-checks.js";
import { supervisorCheck, wakeCheck } from "./live-checks.js";
import { controllerChecks, identityCheck, mimoCheck, nodeCheck, waitCapCheck } from "./setup-checks.js";

export async function runChecks(settings: Settings, ctx: DoctorContext): Promise<CheckResult[]> {
  const results = [nodeCheck(ctx), ...dataDirChecks(settings.dataDir, ctx), identityCheck(ctx)];
  results.push(mimoCheck(settings, ctx), ...controllerChecks(ctx), waitCapCheck(settings));
  // The live checks need the data dir to exist; its own check already says when it does not.
  if (fs.existsSync(settings.dataDir)) {
    results.push(await supervisorCheck(settings.dataDir, ctx), await wakeCheck(settings.dataDir, ctx));
  }
  return results;
}

const MARK = { ok: "✓", warn: "⚠", fail: "✗" } as const;

export function renderDoctor(results: readonly CheckResult[], version: string): string {
  const lines = [`grace-orchestrator-mcp doctor ${version}`, ""];
  const problems = results.filter((r) => r.verdict !== "ok");
  lines.push("Notes");
  if (problems.length === 0) lines.push("  ✓ no problems found");
  for (const p of problems) lines.push(`  ${MARK[p.verdict]} ${p.title}`, `      fix: ${p.fix ?? ""}`);
  const sections = [...new Set(results.map((r) => r.section))];
  for (const section of sections) {
    lines.push("", section);
    for (const r of results.filter((x) => x.section === section)) {
      lines.push(`  ${MARK[r.verdict]} ${r.title}`, ...r.facts.map((f) => `      ${f}`));
    }
  }
  return `${lines.join("\n")}\n`;
}
