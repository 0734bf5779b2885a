import { spawnSync } from "node:child_process";

/** Headless Chromium with the flags a root user in a container needs; output as text. */
export function chromium(args: string[]) {
  return spawnSync("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** Tests that render in Chromium are skipped where it is not installed (.ci/run installs it). */
export const HAS_CHROMIUM = spawnSync("chromium", ["--version"]).status === 0;
