import { describe, expect, it } from "vitest";
import {
  CommandTemplateError,
  PLACEHOLDER_NAMES,
  controllerEnv,
  renderCommand,
  splitCommandTemplate,
} from "../../src/continuation/command-template.js";

const NASTY = [
  "two words",
  'a "quoted" value',
  "it's",
  "x; rm -rf /",
  "a && b || c",
  "$(touch /tmp/pwned)",
  "`id`",
  "%PATH%",
  "$HOME ${HOME}",
  "* ? [a]",
  "# not a comment",
  "{run_id}",
  "back\\slash\\",
  "line\nbreak",
  "",
];

describe("splitCommandTemplate on POSIX (shell-quote)", () => {
  const ok: Array<[string, string[]]> = [
    ["codex", ["codex"]],
    ["  codex   exec  ", ["codex", "exec"]],
    [`codex "{prompt_file}"`, ["codex", "{prompt_file}"]],
    [`a "b c" 'd e' f\\ g`, ["a", "b c", "d e", "f g"]],
    [`a "" ''`, ["a", "", ""]],
    [`a"b"'c'd`, ["abcd"]],
    [`a "x\\"y" "p\\q"`, ["a", 'x"y', "p\\q"]],
    [`a '$HOME' \\$HOME`, ["a", "$HOME", "$HOME"]],
    [`a "*" '?' \\;`, ["a", "*", "?", ";"]],
    [`a '&&' "|" ">"`, ["a", "&&", "|", ">"]],
    [`a "#x" '\`id\`'`, ["a", "#x", "`id`"]],
    [`a "line\nbreak"`, ["a", "line\nbreak"]],
    [`a $'tab\\there'`, ["a", "tab\there"]],
    [`a 'it'\\''s'`, ["a", "it's"]],
    [`a x~y --k=v`, ["a", "x~y", "--k=v"]],
    [`a {a,b} '{"k":1}' {"k":1}`, ["a", "{a,b}", '{"k":1}', "{k:1}"]],
  ];
  it.each(ok)("%j splits into %j", (template, argv) => {
    expect(splitCommandTemplate(template, "linux")).toEqual(argv);
  });

  const refused: Array<[string, RegExp]> = [
    ["", /^Configured command is empty$/],
    ["   \t ", /^Configured command is empty$/],
    [`""`, /program name is empty|Configured command is empty/],
    ["a ; b", /shell operator ";"/],
    ["a && b", /shell operator "&&"/],
    ["a || b", /shell operator "\|\|"/],
    ["a | b", /shell operator "\|"/],
    ["a > out", /shell operator ">"/],
    ["a 2>&1", /shell operator/],
    ["a &", /shell operator "&"/],
    ["a < in", /shell operator "<"/],
    ["a (b)", /shell operator "\("/],
    ["a *.md", /glob "\*\.md"/],
    ["a b?", /glob/],
    ["a # comment", /shell comment/],
    ["a $HOME", /"\$HOME" is not expanded/],
    [`a "$HOME"`, /"\$HOME" is not expanded/],
    ["a ${HOME}", /"\$HOME" is not expanded/],
    ["a $(id)", /\$\(\.\.\.\) substitution/],
    [`a "$(id)"`, /\$\(\.\.\.\) substitution/],
    ["a `id`", /backtick/],
    [`a "\`id\`"`, /backtick/],
    [`a "unterminated`, /unterminated " quote/],
    [`a 'unterminated`, /unterminated ' quote/],
    [`a $'unterminated`, /unterminated \$' quote/],
    [`a "x\\"`, /unterminated " quote/],
    ["a b\\", /lone backslash/],
    ["a\nb", /line break/],
    ["a ~/x", /leading ~/],
  ];
  it.each(refused)("%j is refused with %s", (template, message) => {
    const run = () => renderCommand(template, { prompt_file: "/p.md" }, "linux");
    expect(run).toThrow(CommandTemplateError);
    expect(run).toThrow(message);
  });

  it("prefixes split failures with 'Invalid command template: '", () => {
    expect(() => splitCommandTemplate("a | b", "darwin")).toThrow(/^Invalid command template: /);
  });
});

describe("renderCommand", () => {
  const values = {
    prompt_file: "/data/host-continuation/prompts/abc.md",
    prompt: "Continue GRACE controller review\nnow",
    data_dir: "/data dir",
    run_id: "project-1/task-2/package-3",
    continuation_id: "cont_0123456789abcdef",
    source_event_id: "evt_1",
    attempt_id: "att_1",
    task_id: 2,
    work_package_id: 3,
    report_path: "/r/WP-3.report.md",
    worktree_path: "/w t",
    controller_session_id: "sess-1",
  };

  // Expectations are written out literally, not read back from `values`.
  const table: Array<[string, string[]]> = [
    [`codex "{prompt_file}"`, ["codex", "/data/host-continuation/prompts/abc.md"]],
    [
      "codex exec resume {controller_session_id} --cd {worktree_path} {prompt}",
      ["codex", "exec", "resume", "sess-1", "--cd", "/w t", "Continue GRACE controller review\nnow"],
    ],
    ["run --file={prompt_file}", ["run", "--file=/data/host-continuation/prompts/abc.md"]],
    ["run {task_id}-{work_package_id}", ["run", "2-3", "/data/host-continuation/prompts/abc.md"]],
    [
      "run '{run_id}' \"{data_dir}\"",
      ["run", "project-1/task-2/package-3", "/data dir", "/data/host-continuation/prompts/abc.md"],
    ],
    ["run", ["run", "/data/host-continuation/prompts/abc.md"]],
    ["{data_dir}/bin/codex {prompt_file}", ["/data dir/bin/codex", "/data/host-continuation/prompts/abc.md"]],
  ];
  it.each(table)("%j renders to %j", (template, argv) => {
    expect(renderCommand(template, values, "linux")).toEqual(argv);
  });

  it("knows exactly the placeholders of the controller contract", () => {
    const known = [
      "prompt_file",
      "prompt",
      "data_dir",
      "run_id",
      "continuation_id",
      "source_event_id",
      "attempt_id",
      "task_id",
      "work_package_id",
      "report_path",
      "worktree_path",
      "controller_session_id",
    ];
    const template = `prog ${known.map((name) => `{${name}}`).join(" ")}`;
    const filled = Object.fromEntries(known.map((name) => [name, `v-${name}`]));
    expect(renderCommand(template, filled, "linux")).toEqual(["prog", ...known.map((name) => `v-${name}`)]);
    // The exported list is that set, no more: a name added without a contract change shows here.
    expect([...PLACEHOLDER_NAMES].sort()).toEqual([...known].sort());
  });

  it.each(NASTY)("keeps the value %j as one whole argv element", (nasty) => {
    const argv = renderCommand(
      "codex exec resume {controller_session_id} {prompt_file} --x={prompt}",
      {
        controller_session_id: nasty,
        prompt_file: nasty,
        prompt: nasty,
      },
      "linux",
    );
    expect(argv).toEqual(["codex", "exec", "resume", nasty, nasty, `--x=${nasty}`]);
  });

  it("substitutes in a single pass (values are never re-read as placeholders)", () => {
    expect(
      renderCommand("p {run_id} {task_id}", { run_id: "{task_id}", task_id: "{run_id}" }, "linux"),
    ).toEqual(["p", "{task_id}", "{run_id}"]);
  });

  it("keeps missing values as empty elements and does not append an empty prompt file", () => {
    expect(renderCommand("p {report_path} x", { report_path: null }, "linux")).toEqual(["p", "", "x"]);
  });

  it.each([
    ["p {promt_file}", /unknown placeholder \{promt_file\}/],
    ["p {PROMPT}", /unknown placeholder \{PROMPT\}/],
    ["p --a={x}{y}", /unknown placeholder \{x\}, \{y\}; known: \{prompt_file\}/],
  ])("refuses %j", (template, message) => {
    expect(() => renderCommand(template, values, "linux")).toThrow(message);
  });

  it("refuses a program name that is empty after substitution", () => {
    expect(() => renderCommand("{worktree_path} x", {}, "linux")).toThrow(/program name is empty/);
  });

  it("refuses a NUL inside a value", () => {
    expect(() => renderCommand("p {prompt}", { prompt: "a\0b" }, "linux")).toThrow(
      /\{prompt\} contains a NUL/,
    );
  });

  it.runIf(process.platform !== "win32")("says Windows splitting needs Windows", () => {
    expect(() => splitCommandTemplate("codex x", "win32")).toThrow(/only available on Windows/);
  });
});

describe("controllerEnv", () => {
  it("sets every GRACE_* controller variable, empty when unknown", () => {
    const env = controllerEnv({
      mode: "resume",
      prompt_file: "/p.md",
      run_id: "r",
      task_id: 7,
      work_package_id: 9,
      report_path: null,
      worktree_path: "/w",
      continuation_id: "cont_x",
      source_event_id: "evt_y",
      attempt_id: "att_z",
      launch_nonce: "0123456789abcdef",
      attempt_count: 2,
    });
    expect(env).toEqual({
      GRACE_CONTROLLER_CONTINUATION_MODE: "resume",
      GRACE_CONTROLLER_CONTINUATION_PROMPT_FILE: "/p.md",
      GRACE_CONTROLLER_CONTINUATION_RUN_ID: "r",
      GRACE_CONTROLLER_CONTINUATION_TASK_ID: "7",
      GRACE_CONTROLLER_CONTINUATION_WORK_PACKAGE_ID: "9",
      GRACE_CONTROLLER_CONTINUATION_REPORT_PATH: "",
      GRACE_CONTROLLER_CONTINUATION_WORKTREE: "/w",
      GRACE_CONTINUATION_ID: "cont_x",
      GRACE_CONTINUATION_SOURCE_EVENT_ID: "evt_y",
      GRACE_CONTINUATION_ATTEMPT_ID: "att_z",
      GRACE_CONTINUATION_LAUNCH_NONCE: "0123456789abcdef",
      GRACE_CONTINUATION_RUN_ID: "r",
      GRACE_CONTINUATION_ATTEMPT: "2",
    });
  });

  it("is pure: only its own keys, nothing from process.env", () => {
    expect(Object.keys(controllerEnv({ mode: "logical" })).every((key) => key.startsWith("GRACE_"))).toBe(
      true,
    );
    expect(controllerEnv({ mode: "logical" }).GRACE_CONTROLLER_CONTINUATION_MODE).toBe("logical");
  });
});
