import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { parseNpmCmdShim } from "../../src/process/npm-shim.js";
import { resolveCommand } from "../../src/process/resolve-command.js";

/** Shims written by npm's cmd-shim (see test/fixtures/npm-shims/README.md). */
const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "npm-shims", "prefix");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");

const PREFIX = "C:\\Users\\me\\AppData\\Roaming\\npm";
const NODE_DIR = "C:\\Program Files\\nodejs";

/** A Windows file system made of the fixture shims placed under PREFIX, plus `extra` files. */
function windowsFs(extra: string[] = []) {
  const files = new Map<string, string>();
  for (const name of fs.readdirSync(FIXTURES))
    if (name.endsWith(".cmd")) files.set(`${PREFIX}\\${name}`, fixture(name));
  for (const f of [
    `${PREFIX}\\node_modules\\node-pkg\\bin\\tool.js`,
    `${PREFIX}\\node_modules\\node-pkg\\bin\\flag.js`,
    `${PREFIX}\\node_modules\\exe-pkg\\bin\\tool.exe`,
    `${PREFIX}\\node_modules\\sh-pkg\\bin\\tool.sh`,
    `${NODE_DIR}\\node.exe`,
    ...extra,
  ])
    files.set(f, "");
  const lower = new Map([...files].map(([k, v]) => [k.toLowerCase(), v]));
  return {
    platform: "win32" as const,
    path: `${NODE_DIR};${PREFIX}`,
    pathext: ".COM;.EXE;.BAT;.CMD",
    isFile: (p: string) => lower.has(p.toLowerCase()),
    readFile: (p: string) => lower.get(p.toLowerCase()) ?? null,
  };
}

describe("parseNpmCmdShim on npm-generated shims", () => {
  test.each([
    ["node-tool.cmd", { kind: "node", options: [], script: "node_modules\\node-pkg\\bin\\tool.js" }],
    [
      "flag-tool.cmd",
      { kind: "node", options: ["--no-warnings"], script: "node_modules\\node-pkg\\bin\\flag.js" },
    ],
    ["exe-tool.cmd", { kind: "program", program: "node_modules\\exe-pkg\\bin\\tool.exe" }],
    ["sh-tool.cmd", { kind: "other-interpreter", interpreter: "/bin/sh" }],
    ["hand-written.cmd", null],
  ])("%s", (name, expected) => {
    expect(parseNpmCmdShim(fixture(name))).toEqual(expected);
  });

  test("a shim with one command added after it is not a shim any more", () => {
    expect(parseNpmCmdShim(`${fixture("node-tool.cmd")}del /q *\r\n`)).toBeNull();
    expect(parseNpmCmdShim(fixture("exe-tool.cmd").replace("%*", "%* & calc.exe"))).toBeNull();
  });

  test("shebang options other than plain flags are refused", () => {
    expect(parseNpmCmdShim(fixture("flag-tool.cmd").replace("--no-warnings", "--x=%PATH%"))).toBeNull();
    expect(parseNpmCmdShim(fixture("flag-tool.cmd").replace("--no-warnings", "--a&b"))).toBeNull();
  });
});

describe("resolveCommand (one resolver for controllers, test commands and Mimo)", () => {
  test("a bare name that finds an npm node shim becomes node.exe <script> with the arguments kept", () => {
    expect(resolveCommand(["node-tool", "exec", "a b"], windowsFs())).toEqual([
      `${NODE_DIR}\\node.exe`,
      `${PREFIX}\\node_modules\\node-pkg\\bin\\tool.js`,
      "exec",
      "a b",
    ]);
  });

  test("node.exe beside the shim wins over PATH, as in the shim itself", () => {
    const opts = windowsFs([`${PREFIX}\\node.exe`]);
    expect(resolveCommand([`${PREFIX}\\flag-tool.cmd`], opts)).toEqual([
      `${PREFIX}\\node.exe`,
      "--no-warnings",
      `${PREFIX}\\node_modules\\node-pkg\\bin\\flag.js`,
    ]);
  });

  test("an npm shim for an .exe becomes that .exe", () => {
    expect(resolveCommand(["exe-tool", "--x"], windowsFs())).toEqual([
      `${PREFIX}\\node_modules\\exe-pkg\\bin\\tool.exe`,
      "--x",
    ]);
  });

  test("an .exe on PATH is used as is and the shim is never read", () => {
    const opts = { ...windowsFs([`${NODE_DIR}\\exe-tool.exe`]), readFile: () => expect.fail("read") };
    expect(resolveCommand(["exe-tool"], opts)).toEqual([`${NODE_DIR}\\exe-tool.exe`]);
  });

  test.each([
    [
      "hand-written",
      /is a batch file that is not an npm-generated shim.*give the \.exe it runs, or node\.exe with the script path/,
    ],
    ["sh-tool", /npm shim for a '\/bin\/sh' script, which Windows cannot run/],
  ])("%s is refused with why and what to give instead", (name, message) => {
    expect(() => resolveCommand([name], windowsFs())).toThrow(message);
  });

  test("a shim whose script is missing is refused naming the script", () => {
    const opts = windowsFs();
    const isFile = (p: string) => !p.endsWith("tool.js") && opts.isFile(p);
    expect(() => resolveCommand(["node-tool"], { ...opts, isFile })).toThrow(
      /tool\.js', which does not exist/,
    );
  });

  test("PowerShell scripts and (on POSIX) batch files are refused", () => {
    const ps = { ...windowsFs([`${PREFIX}\\x.ps1`]) };
    expect(() => resolveCommand([`${PREFIX}\\x.ps1`], ps)).toThrow(/is a PowerShell script/);
    const posix = {
      platform: "linux" as const,
      path: "/usr/bin",
      isFile: (p: string) => p === "/usr/bin/npm.cmd",
    };
    expect(() => resolveCommand(["npm.cmd"], posix)).toThrow(/is a Windows batch file/);
  });

  test("a POSIX program resolves unchanged", () => {
    const posix = {
      platform: "linux" as const,
      path: "/usr/bin",
      isFile: (p: string) => p === "/usr/bin/npm",
    };
    expect(resolveCommand(["npm", "test"], posix)).toEqual(["/usr/bin/npm", "test"]);
  });
});
