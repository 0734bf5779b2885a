import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { resolveMimoExecutable } from "../../src/mimo/executable.js";
import { spawnExact } from "../../src/mimo/spawn.js";
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

describe("Mimo executable resolution", () => {
  test("a name is looked up on PATH; a missing one is refused, never passed on as a bare name", () => {
    const a = tempDir("grace-path-a-");
    const b = tempDir("grace-path-b-");
    dirs.push(a, b);
    const exe = file(path.join(b, "mimo"));
    expect(resolveMimoExecutable("mimo", `${a}:${b}`, "linux")).toEqual([exe]);
    expect(() => resolveMimoExecutable("not-there", `${a}:${b}`, "linux")).toThrow(
      "Mimo executable 'not-there' was not found on PATH; set GRACE_ORCHESTRATOR_MIMO_COMMAND to its full path",
    );
  });

  test("relative PATH entries are skipped: for Mimo they would mean the worker's worktree", () => {
    const b = tempDir("grace-path-rel-");
    dirs.push(b);
    file(path.join(b, "mimo"));
    const rel = path.relative(process.cwd(), b);
    expect(path.isAbsolute(rel)).toBe(false);
    expect(() => resolveMimoExecutable("mimo", `${rel}::.`, "linux")).toThrow(/was not found on PATH/);
  });

  describe("Windows lookup (platform and file probe injected; libuv would search the child's cwd first)", () => {
    const probe = (existing: string[]) => (p: string) => existing.includes(p);

    test("<name>.exe from an absolute PATH entry; '.', '' and relative entries are never searched", () => {
      const existing = ["mimo.exe", ".\\mimo.exe", "tools\\mimo.exe", "C:\\tools\\mimo.exe"];
      expect(resolveMimoExecutable("mimo", ".;;tools;C:\\tools", "win32", probe(existing))).toEqual([
        "C:\\tools\\mimo.exe",
      ]);
      expect(resolveMimoExecutable("mimo.exe", "C:\\tools", "win32", probe(existing))).toEqual([
        "C:\\tools\\mimo.exe",
      ]);
    });

    test("only relative entries hold it: refused with advice instead of a path the worktree could supply", () => {
      expect(() =>
        resolveMimoExecutable(
          "mimo",
          ".;tools",
          "win32",
          probe(["mimo.exe", ".\\mimo.exe", "tools\\mimo.exe"]),
        ),
      ).toThrow("Mimo executable 'mimo' was not found on PATH; set GRACE_ORCHESTRATOR_MIMO_COMMAND");
      expect(() => resolveMimoExecutable("mimo", "", "win32", probe([]))).toThrow(/was not found on PATH/);
    });

    test("an explicit Windows path is used as is", () => {
      expect(resolveMimoExecutable("D:\\mimo\\mimo.exe", "", "win32", probe(["D:\\mimo\\mimo.exe"]))).toEqual(
        ["D:\\mimo\\mimo.exe"],
      );
    });
  });

  test("spawn itself refuses anything but an absolute executable path", async () => {
    await expect(
      spawnExact({ argv: ["node", "-e", ""], cwd: process.cwd(), env: {}, stdio: "ignore" }),
    ).rejects.toThrow("Mimo executable must be an absolute path: node");
  });

  test("an explicit path must exist; blank is refused", () => {
    expect(() => resolveMimoExecutable("/no/such/mimo", "", "linux")).toThrow(
      "Mimo executable not found: /no/such/mimo",
    );
    expect(() => resolveMimoExecutable("  ", "", "linux")).toThrow(/must not be blank/);
  });

  test("an npm .cmd shim resolves to the real mimo.exe behind it, preferring a non-baseline build", () => {
    const dir = shimDir(["mimocode-windows-x64-baseline", "mimocode-windows-x64"]);
    expect(resolveMimoExecutable(path.join(dir, "mimo.cmd"), "", "linux")).toEqual([
      path.join(dir, "node_modules/@mimo-ai/cli/node_modules/@mimo-ai/mimocode-windows-x64/bin/mimo.exe"),
    ]);
    const baselineOnly = shimDir(["mimocode-windows-x64-baseline"]);
    expect(resolveMimoExecutable(path.join(baselineOnly, "mimo.cmd"), "", "linux")[0]).toContain("baseline");
  });

  test("on Windows a batch file with no mimo.exe behind it goes to the shared shim resolver, whose refusal is named", () => {
    const existing = ["C:\\npm\\mimo.cmd"];
    expect(() => resolveMimoExecutable("mimo", "C:\\npm", "win32", (p) => existing.includes(p))).toThrow(
      /no real mimo\.exe was found behind it \(program 'C:\\npm\\mimo\.cmd' is a batch file that is not an npm-generated shim/,
    );
  });

  test("a shim with nothing behind it is refused with advice, never run through a shell", () => {
    const dir = shimDir([]);
    expect(() => resolveMimoExecutable(path.join(dir, "mimo.cmd"), "", "linux")).toThrow(
      /set GRACE_ORCHESTRATOR_MIMO_COMMAND to the full path of mimo\.exe/,
    );
  });
});
