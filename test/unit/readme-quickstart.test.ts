/**
 * The README's quickstart gives one block for Linux/macOS and one for Windows PowerShell: they must
 * take the same steps with the same programs and arguments, only the paths and the separators
 * (`&&` there, `;` here) differ. The Linux block itself is run by test/codex/quickstart.test.mjs.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { REPO_ROOT } from "../helpers/mcp-client.js";

interface Step {
  cwd: string;
  argv: string[];
}

function quickstartBlock(lang: "sh" | "powershell"): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const start = readme.indexOf("## Quickstart: from clone to a closed task");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const block = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(section);
  if (start < 0 || !block) throw new Error(`README.md's quickstart has no \`\`\`${lang} block`);
  return block[1]!;
}

/** One system's paths as the other's: ~/src/X and C:\src\X are both <src>/X. */
function samePath(word: string): string {
  return word.replace(/^(~\/src\/|C:\\src\\)/, "<src>/");
}

/** The commands of a block in order, each with the folder it runs in (cd and git -C resolved). */
function steps(block: string, separator: string): Step[] {
  let cwd = "<start>";
  const out: Step[] = [];
  for (const line of block.split("\n")) {
    for (const command of line.replace(/\s+#.*$/, "").split(separator)) {
      const argv = (command.match(/"[^"]*"|\S+/g) ?? []).map(samePath);
      if (argv.length === 0) continue;
      if (argv[0] === "cd") cwd = argv[1]!;
      else if (argv[0] === "git" && argv[1] === "-C")
        out.push({ cwd: argv[2]!, argv: ["git", ...argv.slice(3)] });
      else out.push({ cwd, argv });
    }
  }
  return out;
}

test("the Windows PowerShell block takes the Linux block's steps with the same bins", () => {
  const linux = steps(quickstartBlock("sh"), "&&");
  const windows = steps(quickstartBlock("powershell"), ";");
  expect(linux.map((s) => s.argv[0])).toEqual([
    "git",
    "npm",
    "npm",
    "npm",
    "grace-orchestrator-mcp",
    "grace-orchestrator-mcp",
    "git",
    "git",
  ]);
  expect(windows).toEqual(linux);
});
