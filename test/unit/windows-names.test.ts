import { describe, expect, test } from "vitest";
import { windowsNameProblem } from "../../src/domain/windows-names.js";

describe("paths a Windows checkout cannot hold", () => {
  test.each([
    ["src/a:b.ts", "a character"],
    ["src/what?.md", "a character"],
    ["src/star*.ts", "a character"],
    ['src/"quoted".ts', "a character"],
    ["src/pipe|x.ts", "a character"],
    ["src/<x>.ts", "a character"],
    ["src/tab\there.ts", "a character"],
    ["src/trailing.", "a name ending in a dot"],
    ["src/trailing /x.ts", "a name ending in a dot or a space"],
    ["src/con.ts", "a reserved device name"],
    ["src/CON", "a reserved device name"],
    ["src/Aux.c", "a reserved device name"],
    ["src/nul .txt", "a reserved device name"],
    ["src/lpt1/x.ts", "a reserved device name"],
    ["src/COM9.log", "a reserved device name"],
    ["src/com\u00b9.txt", "a reserved device name"],
    ["src/CONIN$", "a reserved device name"],
    ["src/prn.tar.gz", "a reserved device name"],
  ])("%s is refused: %s", (path, reason) => {
    expect(windowsNameProblem(path)).toContain(reason);
  });

  test.each([
    "src/console.ts",
    "src/auxiliary/x.ts",
    "src/com10.ts",
    "src/lpt.ts",
    "src/nullable.ts",
    "src/x b/store.ts",
    "src/.hidden",
    "src/caf\u00e9.ts",
    "src/\u017fecrets/key.ts",
    "src/a-b_c.d.ts",
  ])("%s is kept", (path) => {
    expect(windowsNameProblem(path)).toBeNull();
  });
});
