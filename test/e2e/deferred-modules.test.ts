import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "../helpers/mcp-client.js";

const DEFER = path.join(REPO_ROOT, "dist", "src", "cli", "defer-modules.js");

interface Seen {
  ajvAtStart: boolean;
  converterAtStart: boolean;
  valid: boolean;
  invalid: boolean;
  converted: unknown;
  ajvAfterUse: boolean;
  converterAfterUse: boolean;
}

/**
 * A fresh Node process, with or without the start-up hook, builds the SDK's McpServer as our
 * start does and reports which of the deferred packages were loaded; then it validates through
 * the server's validator and converts a zod 3 schema through the SDK, and reports again.
 */
function run(withHook: boolean): Seen {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    ${withHook ? `(await import(${JSON.stringify(DEFER)})).deferModules();` : ""}
    const { McpServer } = await import("@modelcontextprotocol/sdk/server/mcp.js");
    const server = new McpServer({ name: "t", version: "0" }, { capabilities: {} });
    const seen = (name) => loaded.some((u) => u.includes("/node_modules/" + name + "/"));
    const out = { ajvAtStart: seen("ajv"), converterAtStart: seen("zod-to-json-schema") };
    const check = server.server._jsonSchemaValidator.getValidator({
      type: "object", properties: { n: { type: "integer" } }, required: ["n"],
    });
    out.valid = check({ n: 1 }).valid;
    out.invalid = check({ n: "x" }).valid;
    const { z } = await import("zod/v3");
    const { toJsonSchemaCompat } = await import("@modelcontextprotocol/sdk/server/zod-json-schema-compat.js");
    out.converted = toJsonSchemaCompat(z.object({ n: z.number() })).properties;
    out.ajvAfterUse = seen("ajv");
    out.converterAfterUse = seen("zod-to-json-schema");
    process.stdout.write(JSON.stringify(out));
  `;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  expect(child.stderr).toBe("");
  return JSON.parse(child.stdout) as Seen;
}

const WORKS = { valid: true, invalid: false, converted: { n: { type: "number" } } };

describe("SDK imports deferred to their first use", () => {
  test("with the start-up hook the SDK server loads neither ajv nor zod-to-json-schema until used, then both work as before", () => {
    expect(run(true)).toEqual({
      ...WORKS,
      ajvAtStart: false,
      converterAtStart: false,
      ajvAfterUse: true,
      converterAfterUse: true,
    });
  });

  test("without it the SDK server loads both at once (what the hook saves)", () => {
    expect(run(false)).toMatchObject({ ...WORKS, ajvAtStart: true, converterAtStart: true });
  });
});
