import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { resolveMimoExecutable } from "../../src/mimo/executable.js";
import { removeDir, tempDir } from "../helpers/git-repo.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function file(p: string, mode = 0o755): string {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, "");
  fs.chmodSync(p, mode);
  return p;
}

function shimDir(builds: string[]): string {
  const dir = tempDir("grace-mimo-shim-");
  dirs.push(dir);
  file(path.join(dir, "mimo.cmd"));
  for (const b of builds) {
    file(path.join(dir, "node_modules", "@mimo-ai", "cli", "node_modules", "@mimo-ai", b, "bin", "mimo.exe"));
  }
  return dir;
}

describe("Mimo executable resolution (reference §8.5)", () => {
  test("a name is looked up on PATH; a missing one stays a name for spawn to report", () => {
    const a = tempDir("grace-path-a-");
    const b = tempDir("grace-path-b-");
    dirs.push(a, b);
    const exe = file(path.join(b, "mimo"));
    expect(resolveMimoExecutable("mimo", `${a}:${b}`, "linux")).toBe(exe);
    expect(resolveMimoExecutable("not-there", `${a}:${b}`, "linux")).toBe("not-there");
  });

  test("an explicit path must exist; blank is refused", () => {
    expect(() => resolveMimoExecutable("/no/such/mimo", "", "linux")).toThrow(
      "Mimo executable not found: /no/such/mimo",
    );
    expect(() => resolveMimoExecutable("  ", "", "linux")).toThrow(/must not be blank/);
  });

  test("an npm .cmd shim resolves to the real mimo.exe behind it, preferring a non-baseline build", () => {
    const dir = shimDir(["mimocode-windows-x64-baseline", "mimocode-windows-x64"]);
    expect(resolveMimoExecutable(path.join(dir, "mimo.cmd"), "", "linux")).toBe(
      path.join(dir, "node_modules/@mimo-ai/cli/node_modules/@mimo-ai/mimocode-windows-x64/bin/mimo.exe"),
    );
    const baselineOnly = shimDir(["mimocode-windows-x64-baseline"]);
    expect(resolveMimoExecutable(path.join(baselineOnly, "mimo.cmd"), "", "linux")).toContain("baseline");
  });

  test("a shim with nothing behind it is refused with advice, never run through a shell", () => {
    const dir = shimDir([]);
    expect(() => resolveMimoExecutable(path.join(dir, "mimo.cmd"), "", "linux")).toThrow(
      /set GRACE_ORCHESTRATOR_MIMO_COMMAND to the full path of mimo\.exe/,
    );
  });
});
