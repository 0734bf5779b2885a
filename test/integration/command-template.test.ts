/**
 * Renders templates with hostile values and really launches the fake controller without a
 * shell, asserting the exact argv, cwd and env the process received.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controllerEnv, renderCommand } from "../../src/continuation/command-template.js";
import {
  fakeControllerTemplate,
  readLaunchRecord,
  type LaunchRecord,
} from "../helpers/fake-controller-harness.js";

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "grace cmd tmpl "));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function launch(argv: string[], cwd: string, extraEnv: Record<string, string>): Promise<LaunchRecord> {
  const record = path.join(tmp, `record-${Math.random().toString(16).slice(2)}.json`);
  const [program, ...rest] = argv;
  if (program === undefined) throw new Error("empty argv");
  const child = spawn(program, rest, {
    shell: false,
    cwd,
    env: { ...process.env, ...extraEnv, FAKE_CONTROLLER_RECORD: record },
    stdio: "ignore",
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  expect(code).toBe(0);
  return readLaunchRecord(record);
}

const HOSTILE = [
  "two words",
  'double "quotes" inside',
  "single 'quotes' inside",
  "semi; touch PWNED-semi",
  "and && touch PWNED-and",
  "or || touch PWNED-or",
  "pipe | touch PWNED-pipe",
  "redirect > PWNED-redirect",
  "$(touch PWNED-subst)",
  "`touch PWNED-backtick`",
  "%PATH% and $PATH and ${HOME}",
  "glob * ? [ab]",
  "# hash",
  "trailing backslash \\",
  '\\" escaped quote \\\\"',
  "new\nline\ttab",
  "{run_id} looks like a placeholder",
  "",
  "  leading and trailing spaces  ",
  "unicode: приём ✓",
];

describe("rendered commands reach the controller as exact argv (no shell)", () => {
  it.each(HOSTILE)("value %j stays one argv element", async (value) => {
    const template = fakeControllerTemplate(
      "exec resume {controller_session_id} --prompt-file={prompt_file} -- {prompt} '{report_path}'",
    );
    const argv = renderCommand(template, {
      controller_session_id: value,
      prompt_file: value,
      prompt: value,
      report_path: value,
    });
    const got = await launch(argv, tmp, {});
    expect(got.argv).toEqual(["exec", "resume", value, `--prompt-file=${value}`, "--", value, value]);
    expect(fs.readdirSync(tmp).filter((name) => name.startsWith("PWNED"))).toEqual([]);
  });

  it("passes cwd and the GRACE_* controller environment", async () => {
    const worktree = path.join(tmp, "work tree; $(x)");
    fs.mkdirSync(worktree);
    const values = {
      prompt_file: path.join(tmp, "prompt 1.md"),
      run_id: "project-1/task-2/package-3",
      task_id: 2,
      work_package_id: 3,
      report_path: "/r/WP-3.report.md",
      worktree_path: worktree,
      continuation_id: "cont_0123456789abcdef",
      source_event_id: "evt_$(id)",
      attempt_id: "att_`id`",
    };
    const argv = renderCommand(fakeControllerTemplate(""), values);
    const env = controllerEnv({
      ...values,
      mode: "logical",
      launch_nonce: "00ff00ff00ff00ff",
      attempt_count: 1,
    });
    const got = await launch(argv, worktree, env);
    expect(got.argv).toEqual([values.prompt_file]); // appended: the template names no prompt
    expect(fs.realpathSync(got.cwd)).toBe(fs.realpathSync(worktree));
    expect(got.env).toMatchObject(env);
    expect(got.env.GRACE_CONTINUATION_SOURCE_EVENT_ID).toBe("evt_$(id)");
  });
});
