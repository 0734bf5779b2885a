import { describe, expect, test } from "vitest";
import { lazyDefinitions } from "../../src/tools/tool-modules.js";
import type { ToolDef } from "../../src/tools/registry.js";

const WAIT = { toolCallLimitSeconds: 60, transportGraceSeconds: 10 };

describe("a tool's module loads on its first call", () => {
  test("a failed load is not kept: the next call loads the module again", async () => {
    let loads = 0;
    const def = { name: "demo.tool" } as ToolDef;
    const loaders = {
      demo: () => {
        loads += 1;
        return loads === 1
          ? Promise.reject(new Error("EMFILE: too many open files"))
          : Promise.resolve([def]);
      },
    };
    const definition = lazyDefinitions({ wait: WAIT }, { "demo.tool": "demo" }, loaders);
    await expect(definition("demo.tool")).rejects.toThrow("EMFILE");
    expect(await definition("demo.tool")).toBe(def);
    expect(await definition("demo.tool")).toBe(def);
    expect(loads).toBe(2);
  });

  test("a tool no module names is refused by name", async () => {
    await expect(lazyDefinitions({ wait: WAIT }, {}, {})("nope.tool")).rejects.toThrow(
      "no module of the tool nope.tool",
    );
  });
});
