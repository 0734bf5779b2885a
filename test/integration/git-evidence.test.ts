import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { OrchestratorError } from "../../src/domain/errors.js";
import { deriveEvidence } from "../../src/git/evidence.js";
import { commitAll, git, initRepo, removeDir, writeFile } from "../helpers/git-repo.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function repo(): string {
  const dir = initRepo();
  dirs.push(dir);
  return dir;
}

describe("deriveEvidence", () => {
  it("derives changed files, the binary diff and its sha256 from git", async () => {
    const r = repo();
    const base = commitAll(r, "base");
    writeFile(r, "src/a.ts", "export const a = 1;\n");
    writeFile(r, "bin/blob.bin", Buffer.from([0, 1, 2, 255, 0, 7]));
    const head = commitAll(r, "head");

    const ev = await deriveEvidence(r, base.slice(0, 10), head);
    expect(ev.base_commit).toBe(base);
    expect(ev.head_commit).toBe(head);
    expect(ev.changed_files.sort()).toEqual(["bin/blob.bin", "src/a.ts"]);
    expect(ev.diff).toContain("GIT binary patch");
    expect(ev.diff).toContain("+export const a = 1;");
    expect(ev.diff_sha256).toBe(createHash("sha256").update(ev.diff_bytes).digest("hex"));
    expect(ev.diff_sha256).toMatch(/^[0-9a-f]{64}$/);
    // The binary diff applies cleanly to the base: it is complete evidence.
    git(r, "checkout", "-q", base);
    const patchFile = `${r}/../${base}.patch`;
    dirs.push(patchFile);
    writeFileSync(patchFile, ev.diff_bytes);
    git(r, "apply", "--check", patchFile);
  });

  it("handles spaces, unicode, newlines and renames in file names", async () => {
    const r = repo();
    writeFile(r, "old name.txt", "x\n");
    const base = commitAll(r, "base");
    git(r, "mv", "old name.txt", "new name.txt");
    writeFile(r, "ünïcødé ✓.md", "u\n");
    writeFile(r, "line\nbreak.txt", "n\n");
    writeFile(r, 'quote"tab\t.txt', "q\n");
    const head = commitAll(r, "head");

    const ev = await deriveEvidence(r, base, head);
    expect(ev.changed_files.sort()).toEqual(
      ["line\nbreak.txt", "new name.txt", "old name.txt", 'quote"tab\t.txt', "ünïcødé ✓.md"].sort(),
    );
  });

  it("returns no files and an empty diff when base equals head", async () => {
    const r = repo();
    const base = commitAll(r, "base");
    const ev = await deriveEvidence(r, base, base);
    expect(ev.changed_files).toEqual([]);
    expect(ev.diff).toBe("");
  });

  it("refuses a head that is not a descendant of base", async () => {
    const r = repo();
    const first = commitAll(r, "first");
    writeFile(r, "b.txt", "b\n");
    const second = commitAll(r, "second");
    await expect(deriveEvidence(r, second, first)).rejects.toThrow(
      `Head commit ${first} is not a descendant of base commit ${second}`,
    );
    // A sibling branch is not a descendant either.
    git(r, "checkout", "-q", "-b", "side", first);
    writeFile(r, "c.txt", "c\n");
    const side = commitAll(r, "side");
    await expect(deriveEvidence(r, second, side)).rejects.toThrow(/is not a descendant of base commit/);
  });

  it("refuses unknown commits, non-commit objects and option-like input", async () => {
    const r = repo();
    const base = commitAll(r, "base");
    const missing = "0".repeat(40);
    await expect(deriveEvidence(r, base, missing)).rejects.toThrow(`Unknown commit: ${missing}`);
    await expect(deriveEvidence(r, missing, base)).rejects.toThrow(OrchestratorError);
    const tree = git(r, "rev-parse", "HEAD^{tree}");
    await expect(deriveEvidence(r, tree, base)).rejects.toThrow(`Unknown commit: ${tree}`);
    await expect(deriveEvidence(r, "--output=/tmp/x", base)).rejects.toThrow(/Invalid commit reference/);
  });

  it("reports a missing repository clearly", async () => {
    await expect(deriveEvidence("/nonexistent/grace-repo", "a", "b")).rejects.toThrow(
      "Repository directory does not exist: /nonexistent/grace-repo",
    );
  });
});
