// Windows command-template splitting through the real CommandLineToArgvW (runs under Wine via
// scripts/ci-windows.sh, or on Windows): `node --test test/windows/argv-split.test.mjs` after
// `npm run build`. Plain node:test because vitest does not start under Wine.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { renderCommand, splitCommandTemplate } from "../../dist/src/continuation/command-template.js";

const onWindows = process.platform === "win32";
const skip = onWindows ? false : "needs Windows (CommandLineToArgvW)";
const FAKE_CONTROLLER = fileURLToPath(new URL("../../scripts/demo/fake-controller.mjs", import.meta.url));
const split = (line) => splitCommandTemplate(line, "win32");

// Expected results follow Microsoft's documented CommandLineToArgvW / MSVC parsing table;
// the program name (first word) has its own rule: backslashes are literal, quotes only group.
const CASES = [
  ['"abc" d e', ["abc", "d", "e"]],
  ['a\\\\\\b d"e f"g h', ["a\\\\\\b", "de fg", "h"]],
  ['prog a\\\\\\b d"e f"g h', ["prog", "a\\\\\\b", "de fg", "h"]],
  ['prog a\\\\\\"b c d', ["prog", 'a\\"b', "c", "d"]],
  ['prog a\\\\\\\\"b c" d e', ["prog", "a\\\\b c", "d", "e"]],
  ['prog "" x ""', ["prog", "", "x", ""]],
  ["C:\\Tools\\codex.exe C:\\Users\\me\\prompt.md", ["C:\\Tools\\codex.exe", "C:\\Users\\me\\prompt.md"]],
  [
    '"C:\\Program Files\\Codex\\codex.exe" "C:\\Users\\me\\My Prompts\\p.md"',
    ["C:\\Program Files\\Codex\\codex.exe", "C:\\Users\\me\\My Prompts\\p.md"],
  ],
  ['"C:\\dir with space\\" next', ["C:\\dir with space\\", "next"]],
  ["   prog\targ  ", ["prog", "arg"]],
  [
    'codex exec resume {controller_session_id} "{prompt_file}"',
    ["codex", "exec", "resume", "{controller_session_id}", "{prompt_file}"],
  ],
  ["prog a^b 'single' $HOME", ["prog", "a^b", "'single'", "$HOME"]],
];

for (const [line, expected] of CASES) {
  test(`CommandLineToArgvW splits ${JSON.stringify(line)}`, { skip }, () => {
    assert.deepEqual(split(line), expected);
  });
}

test("an empty template is refused before the OS could return our own exe path", { skip }, () => {
  assert.throws(
    () => split(""),
    /^CommandTemplateError: Configured command is empty$|Configured command is empty/,
  );
  assert.throws(() => split("  \t "), /Configured command is empty/);
});

test("cmd.exe syntax is refused, since no shell runs the command", { skip }, () => {
  assert.throws(() => split("prog a & b"), /cmd\.exe operator "&"/);
  assert.throws(() => split("prog a && b"), /cmd\.exe operator "&&"/);
  assert.throws(() => split("prog a | b"), /cmd\.exe operator "\|"/);
  assert.throws(() => split("prog > out.txt"), /cmd\.exe operator ">"/);
  assert.throws(() => split("prog 2>&1"), /cmd\.exe operator "2>&1"/);
  assert.throws(() => split("%USERPROFILE%\\codex.exe x"), /"%USERPROFILE%" is not expanded/);
  assert.throws(() => split("prog a\r\nsecond"), /line break/);
});

test("unknown placeholders are refused on Windows too", { skip }, () => {
  assert.throws(() => renderCommand("prog {promt_file}", {}, "win32"), /unknown placeholder \{promt_file\}/);
});

const HOSTILE = [
  "two words",
  'double "quotes" inside',
  "trailing backslash\\",
  "C:\\dir with space\\",
  '\\"already\\" escaped\\\\"',
  "amp & pipe | lt < gt > caret ^",
  "&& || ;",
  "%PATH% and !PATH!",
  "$(calc) `calc`",
  "",
  "  spaced  ",
  "unicode: приём ✓",
];

function launch(argv, recordDir) {
  const record = path.join(recordDir, `record-${process.hrtime.bigint()}.json`);
  const [program, ...rest] = argv;
  const child = spawn(program, rest, {
    shell: false,
    // Not the record folder: Windows keeps a directory busy while it is some process's cwd.
    cwd: os.tmpdir(),
    env: { ...process.env, FAKE_CONTROLLER_RECORD: record },
    stdio: "ignore",
    windowsHide: true,
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`fake controller exited with ${code}`));
      else resolve(JSON.parse(fs.readFileSync(record, "utf8")));
    });
  });
}

test("substituted values reach a real child process as whole argv elements", { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grace argv "));
  try {
    const template = `"${process.execPath}" "${FAKE_CONTROLLER}" --id={controller_session_id} {prompt_file} "{prompt}"`;
    for (const value of HOSTILE) {
      const argv = renderCommand(
        template,
        { controller_session_id: value, prompt_file: value, prompt: value },
        "win32",
      );
      assert.deepEqual(argv, [process.execPath, FAKE_CONTROLLER, `--id=${value}`, value, value]);
      const got = await launch(argv, dir);
      assert.deepEqual(got.argv, [`--id=${value}`, value, value], `value ${JSON.stringify(value)}`);
    }
  } finally {
    // Windows keeps a directory busy for a moment after a child that ran in it exits.
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
});
