import fs from "node:fs";
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, test } from "vitest";
import { connect, REPO_ROOT, resultText, resultValue, tempDir } from "../helpers/mcp-client.js";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function scratch(prefix: string): string {
  const dir = tempDir(prefix);
  made.push(dir);
  return dir;
}

/** A module that makes the server append the URL of every module it loads to `file`. */
function loadRecorder(file: string): string {
  const recorder = path.join(scratch("load-recorder"), "record.mjs");
  fs.writeFileSync(
    recorder,
    `import fs from "node:fs";
     import { registerHooks } from "node:module";
     registerHooks({ load(url, context, next) {
       fs.appendFileSync(${JSON.stringify(file)}, url + "\\n");
       return next(url, context);
     } });`,
  );
  return recorder;
}

const CODEX = { name: "codex-lazy", role: "codex" };

describe("tool modules loaded by the first call", () => {
  test("a start answers tools/list without any tool, resource-read or gate-check module; the first call loads only its own tool module and answers", async () => {
    const file = path.join(scratch("loaded"), "modules.txt");
    const c = await connect(scratch("lazy-data"), CODEX, { NODE_OPTIONS: `--import=${loadRecorder(file)}` });
    try {
      const loaded = () => fs.readFileSync(file, "utf8").split("\n");
      const ours = (pattern: RegExp) => loaded().filter((u) => u.includes("/dist/src/") && pattern.test(u));
      expect((await c.client.listTools()).tools.map((t) => t.name)).toContain("orchestrator.whoami");
      expect(ours(/\/tools\/[a-z-]+-tools\.js$/)).toEqual([]);
      expect(ours(/\/tools\/resource-reads\.js$|\/gates\/(?!artifact-paths\.js)/)).toEqual([]);
      const answer = (await c.client.callTool({
        name: "orchestrator.whoami",
        arguments: {},
      })) as CallToolResult;
      expect(answer.isError).toBeFalsy();
      expect(resultValue(answer)).toMatchObject({ actor_name: "codex-lazy", primary_role: "codex" });
      // Only the module of the tool called: no other module of tools.
      expect(ours(/\/tools\/[a-z-]+-tools\.js$/).map((u) => path.basename(u))).toEqual(["identity-tools.js"]);
    } finally {
      await c.close();
    }
  }, 60_000);

  test("the SDK still checks a structured answer against the tool's output schema, loaded with the tool", async () => {
    const root = scratch("lazy-build");
    fs.cpSync(path.join(REPO_ROOT, "dist"), path.join(root, "dist"), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(root, "package.json"));
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
    // whoami's declared answer gains a field its handler never sets.
    const schemas = path.join(root, "dist", "src", "tools", "output-schemas.js");
    const before = fs.readFileSync(schemas, "utf8");
    const after = before.replace(
      /(whoamiOutput = z\.looseObject\(\{[^}]*data_dir: text,)/,
      "$1 never_answered: text,",
    );
    expect(after).not.toBe(before);
    fs.writeFileSync(schemas, after);
    const c = await connect(
      scratch("lazy-data"),
      CODEX,
      {},
      path.join(root, "dist", "src", "cli", "server.js"),
    );
    try {
      const answer = (await c.client.callTool({
        name: "orchestrator.whoami",
        arguments: {},
      })) as CallToolResult;
      expect(answer.isError).toBe(true);
      expect(resultText(answer)).toMatch(
        /Output validation error: Invalid structured content for tool orchestrator\.whoami.*never_answered/s,
      );
    } finally {
      await c.close();
    }
  }, 60_000);
});
