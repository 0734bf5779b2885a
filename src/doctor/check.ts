/** The shape every doctor check returns, and the worst-verdict rule the exit code follows. */

export type Verdict = "ok" | "warn" | "fail";

export interface CheckResult {
  section: string;
  /** One line: what was checked and what was found. */
  title: string;
  verdict: Verdict;
  /** Facts shown indented below the title (paths, versions, sizes). */
  facts: string[];
  /** For warn and fail: what to do about it, one sentence. */
  fix?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** What a check may look at: the environment and platform of the process being diagnosed. */
export interface DoctorContext {
  env: Env;
  platform: NodeJS.Platform;
  nodeVersion: string;
  execPath: string;
  now: Date;
  /** The data dir was given with --data-dir (doctor passes it on in env, so env alone cannot tell). */
  dataDirFlag?: boolean;
}

export const ok = (section: string, title: string, facts: string[] = []): CheckResult => ({
  section,
  title,
  verdict: "ok",
  facts,
});

export const problem = (
  verdict: "warn" | "fail",
  section: string,
  title: string,
  fix: string,
  facts: string[] = [],
): CheckResult => ({ section, title, verdict, facts, fix });

/** 1 when any check failed; warnings alone keep 0. */
export function exitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.verdict === "fail") ? 1 : 0;
}
