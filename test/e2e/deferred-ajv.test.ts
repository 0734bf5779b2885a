import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "../helpers/mcp-client.js";

const DEFER = path.join(REPO_ROOT, "dist", "src", "cli", "defer-ajv.js");

/**
 * A fresh Node process loads the SDK's server module (with or without the start-up hook), builds
 * a Server as our start does and reports whether ajv was loaded, then validates one value through
 * the server's validator and reports again.
 */
function run(withHook: boolean): { atStart: boolean; afterUse: boolean; valid: boolean; invalid: boolean } {
  const script = `
    import { createRequire } from "node:module";
    ${withHook ? `(await import(${JSON.stringify(DEFER)})).deferAjv();` : ""}
    const { Server } = await import("@modelcontextprotocol/sdk/server/index.js");
    const server = new Server({ name: "t", version: "0" }, { capabilities: {} });
    const cache = createRequire(${JSON.stringify(path.join(REPO_ROOT, "package.json"))}).cache;
    const ajvLoaded = () => Object.keys(cache).some((k) => k.includes("/node_modules/ajv/"));
    const atStart = ajvLoaded();
    const check = server._jsonSchemaValidator.getValidator({
      type: "object", properties: { n: { type: "integer" } }, required: ["n"],
    });
    const out = { atStart, valid: check({ n: 1 }).valid, invalid: check({ n: "x" }).valid, afterUse: ajvLoaded() };
    process.stdout.write(JSON.stringify(out));
  `;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  expect(child.stderr).toBe("");
  return JSON.parse(child.stdout) as ReturnType<typeof run>;
}

describe("ajv deferred to its first use", () => {
  test("with the start-up hook the SDK server loads no ajv until a schema is validated, then validates as before", () => {
    expect(run(true)).toEqual({ atStart: false, valid: true, invalid: false, afterUse: true });
  });

  test("without it the SDK server loads ajv at once (what the hook saves)", () => {
    expect(run(false)).toEqual({ atStart: true, valid: true, invalid: false, afterUse: true });
  });
});
