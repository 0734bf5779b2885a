import { describe, expect, test } from "vitest";
import { ProgramNotFoundError, resolveProgram } from "../../src/process/which.js";

/** A fake file system: the set of regular files; anything else (directories included) is not a file. */
const files = (...names: string[]) => {
  const set = new Set(names.map((n) => n.toLowerCase()));
  return (p: string) => set.has(p.toLowerCase());
};

const WIN_PATH = 'C:\\Windows\\System32;;.\\bin;C:\\Program Files\\Git\\cmd;"C:\\Tools"';
const win = (isFile: (p: string) => boolean, pathext?: string) => ({
  platform: "win32" as const,
  path: WIN_PATH,
  pathext,
  isFile,
});

describe("resolveProgram (Windows)", () => {
  test.each([
    [
      "git via PATHEXT",
      "git",
      files("C:\\Program Files\\Git\\cmd\\git.exe"),
      "C:\\Program Files\\Git\\cmd\\git.exe",
    ],
    [
      "explicit extension",
      "git.exe",
      files("C:\\Program Files\\Git\\cmd\\git.exe"),
      "C:\\Program Files\\Git\\cmd\\git.exe",
    ],
    [
      "a directory named like the program is skipped",
      "git",
      // C:\Windows\System32\git.exe is a directory here: the fake says it is no file.
      files("C:\\Program Files\\Git\\cmd\\git.exe"),
      "C:\\Program Files\\Git\\cmd\\git.exe",
    ],
    [
      "PATH order wins",
      "codex",
      files("C:\\Tools\\codex.exe", "C:\\Windows\\System32\\codex.com"),
      "C:\\Windows\\System32\\codex.com",
    ],
    ["quoted PATH entry", "codex", files("C:\\Tools\\codex.exe"), "C:\\Tools\\codex.exe"],
    ["absolute path as given", "D:\\x\\codex.exe", files(), "D:\\x\\codex.exe"],
    [
      "absolute path without extension gets one",
      "D:\\x\\codex",
      files("D:\\x\\codex.exe"),
      "D:\\x\\codex.exe",
    ],
  ])("%s", (_name, program, isFile, expected) => {
    expect(resolveProgram(program, win(isFile))).toBe(expected);
  });

  test("PATHEXT order is honoured and case does not matter", () => {
    const isFile = files("C:\\Tools\\codex.cmd", "C:\\Tools\\codex.exe");
    expect(resolveProgram("codex", win(isFile, ".CMD;.EXE"))).toBe("C:\\Tools\\codex.cmd");
    expect(resolveProgram("codex", win(isFile, ".EXE;.CMD"))).toBe("C:\\Tools\\codex.exe");
  });

  test("the cwd is never searched: empty and relative PATH entries are skipped", () => {
    const seen: string[] = [];
    const isFile = (p: string) => {
      seen.push(p);
      return false;
    };
    expect(() => resolveProgram("git", win(isFile))).toThrow(ProgramNotFoundError);
    expect(seen.every((p) => /^[A-Z]:\\/.test(p))).toBe(true);
    expect(seen).not.toContain("git.exe");
    expect(seen.some((p) => p.startsWith(".\\") || p.startsWith("bin"))).toBe(false);
  });

  test("no match is a clear error; a relative path with a directory is refused", () => {
    expect(() => resolveProgram("git", win(files()))).toThrow("program 'git' was not found on PATH");
    expect(() => resolveProgram(".\\git.exe", win(files(".\\git.exe")))).toThrow(/relative path/);
    expect(() => resolveProgram("C:git.exe", win(files("C:git.exe")))).toThrow(/relative path/);
    expect(() => resolveProgram("", win(files()))).toThrow(ProgramNotFoundError);
  });
});

describe("resolveProgram (POSIX)", () => {
  const posix = (isFile: (p: string) => boolean, path = "/usr/local/bin::.:bin:/usr/bin") => ({
    platform: "linux" as const,
    path,
    isFile,
  });

  test("first absolute PATH entry holding the file; never the cwd", () => {
    expect(resolveProgram("git", posix(files("/usr/bin/git", "git", "./git", "bin/git")))).toBe(
      "/usr/bin/git",
    );
    expect(resolveProgram("git", posix(files("/usr/local/bin/git", "/usr/bin/git")))).toBe(
      "/usr/local/bin/git",
    );
  });

  test("no extension guessing, absolute paths as given, relative paths refused, no match an error", () => {
    expect(() => resolveProgram("git", posix(files("/usr/bin/git.exe")))).toThrow(ProgramNotFoundError);
    expect(resolveProgram("/opt/codex", posix(files()))).toBe("/opt/codex");
    expect(() => resolveProgram("./codex", posix(files("./codex")))).toThrow(/relative path/);
    expect(() => resolveProgram("git", posix(files(), ""))).toThrow("program 'git' was not found on PATH");
    expect(() => resolveProgram("git", { platform: "linux", path: undefined, isFile: files() })).toThrow(
      ProgramNotFoundError,
    );
  });
});
