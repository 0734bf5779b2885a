/**
 * The three bins as a user starts them: the built entries under dist/src/cli/bin, run by the
 * machine's own (older) Node and by the pinned Node 22. --help/--version answer and start nothing;
 * an old Node re-runs under the pinned one, or says in one line what to run and exits 2.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, test } from "vitest";
import { tempDir } from "../helpers/git-repo.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";

const BINS = ["grace-orchestrator-mcp", "grace-status", "grace-host-continuation"] as const;
const binEntry = (bin: string, root = REPO_ROOT) => path.join(root, "dist", "src", "cli", "bin", `${bin}.js`);
const VERSION = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;

/** The machine's Node older than 22.12 (Debian's 20 here), or null where there is none. */
function systemOldNode(): string | null {
  for (const candidate of ["/usr/bin/node", "/bin/node", "/usr/local/bin/node"]) {
    if (!fs.existsSync(candidate)) continue;
    const r = spawnSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" });
    const [major = 0, minor = 0] = r.stdout.trim().split(".").map(Number);
    if (major < 22 || (major === 22 && minor < 12)) return candidate;
  }
  return null;
}

const OLD_NODE = systemOldNode();
const NODES = [
  { label: "Node 22 (pinned)", exe: process.execPath },
  ...(OLD_NODE ? [{ label: `the machine's ${OLD_NODE}`, exe: OLD_NODE }] : []),
];

function run(node: string, entry: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(node, [entry, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.homedir(), ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("this machine has an older Node to test the guard with", () => {
  // Without one the old-Node rows below silently vanish; say so loudly instead.
  expect(OLD_NODE, "no Node older than 22.12 found on this machine").not.toBeNull();
});

describe.each(NODES)("with $label", ({ exe }) => {
  test.each(BINS)("%s --version prints the package version and exits 0", (bin) => {
    const r = run(exe, binEntry(bin), ["--version"]);
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  test.each(BINS)("%s --help and -h print the usage, exit 0 and start nothing", (bin) => {
    for (const flag of ["--help", "-h"]) {
      const data = path.join(tempDir("bins-"), "data");
      const r = run(exe, binEntry(bin), [flag], {
        GRACE_ORCHESTRATOR_DATA_DIR: data,
        GRACE_ORCHESTRATOR_ACTOR_NAME: "codex-main",
        GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex",
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: ${bin} `));
      expect(fs.existsSync(data), "a --help run must not create the data dir").toBe(false);
    }
  });

  test("the server bin serves MCP and logs one ready line with version, actor, role, tools and data dir", async () => {
    const data = tempDir("bins-serve-");
    const transport = new StdioClientTransport({
      command: exe,
      args: [binEntry("grace-orchestrator-mcp")],
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? os.homedir(),
        GRACE_ORCHESTRATOR_DATA_DIR: data,
        GRACE_ORCHESTRATOR_ACTOR_NAME: "glm-1",
        GRACE_ORCHESTRATOR_ACTOR_ROLE: "glm",
        // The ready line counts the tools the role registers; this listing shows all of them.
        GRACE_ORCHESTRATOR_TOOL_LIST: "role",
      },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: "bins-test", version: "0.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(5);
      await expect.poll(() => stderr, { timeout: 10_000 }).toContain("grace-orchestrator-mcp ready");
      const line = stderr.split("\n").find((l) => l.includes("grace-orchestrator-mcp ready"))!;
      expect(line).toContain(" INFO ");
      expect(JSON.parse(line.slice(line.indexOf("{")))).toEqual({
        version: VERSION,
        actor: "glm-1",
        role: "glm",
        tools: tools.length,
        data_dir: data,
      });
    } finally {
      await client.close();
    }
    const log = path.join(data, "logs", "grace-orchestrator-mcp-glm-1.log");
    await expect.poll(() => fs.existsSync(log) && fs.readFileSync(log, "utf8")).toContain("ready");
  });
});

describe.skipIf(OLD_NODE === null)("an old Node without the pinned Node installed", () => {
  test.each(BINS)("%s prints one line saying what to run and exits 2", (bin) => {
    // A copy of the package with no node_modules: only the guard and the bin entry exist, which
    // is all an old Node may load.
    const root = tempDir("bins-bare-");
    fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(root, "package.json"));
    for (const rel of [`src/cli/bin/${bin}.js`, "src/config/node-guard.js"]) {
      fs.mkdirSync(path.join(root, "dist", path.dirname(rel)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, "dist", rel), path.join(root, "dist", rel));
    }
    const r = run(OLD_NODE!, binEntry(bin, root), ["--version"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${bin} needs Node >=22\\.12, this is v\\d+.*npm ci.*${root}`));
  });
});

test.each(BINS)("the README's 'npx %s' from inside the checkout runs the bin", (bin) => {
  const r = spawnSync("npx", ["--no-install", bin, "--version"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.homedir() },
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe(`${VERSION}\n`);
});

test("npx inside a fresh build runs the bin even when npm's npx cache already holds that checkout", () => {
  // npm makes a bin executable only when it first links the checkout into its npx cache; a fresh
  // clone built at a path npx has seen before keeps tsc's 0644 unless the build itself fixes it.
  const root = tempDir("bins-npx-");
  fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(root, "package.json"));
  fs.cpSync(path.join(REPO_ROOT, "dist"), path.join(root, "dist"), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? os.homedir(),
    npm_config_cache: tempDir("bins-npm-cache-"),
  };
  const npx = () =>
    spawnSync("npx", ["--no-install", "grace-status", "--version"], {
      cwd: root,
      encoding: "utf8",
      env,
      timeout: 60_000,
    });
  expect(npx().status, "the first npx links the copy into the npx cache").toBe(0);

  for (const bin of BINS) fs.chmodSync(binEntry(bin, root), 0o644); // what tsc writes
  const finish = spawnSync(process.execPath, [path.join(root, "dist", "src", "cli", "build-finish.js")], {
    encoding: "utf8",
    env,
  });
  expect(finish.status, finish.stderr).toBe(0);
  for (const bin of BINS) expect(fs.statSync(binEntry(bin, root)).mode & 0o777, bin).toBe(0o755);

  const again = npx();
  expect(again.status, again.stderr).toBe(0);
  expect(again.stdout).toBe(`${VERSION}\n`);
});
