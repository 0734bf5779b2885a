/**
 * Static checks of every .ps1 in the repository. No PowerShell runs on these machines, so the
 * scripts are parsed with tree-sitter-powershell (WASM) and checked for syntax errors, the
 * Windows PowerShell 5.1 rules, their declared parameters and the command each one launches.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { Language, Parser, type Node } from "web-tree-sitter";
import { ROLES } from "../../src/domain/roles.js";

const REPO = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const SKIP_DIRS = new Set(["node_modules", "dist", ".git", "coverage", ".ci-out"]);
/** PowerShell 6+ automatic variables: undefined in 5.1, where StrictMode makes reading them fatal. */
const PS7_ONLY_VARIABLES = ["$IsWindows", "$IsLinux", "$IsMacOS", "$IsCoreCLR"];
const FORBIDDEN_COMMANDS = ["invoke-expression", "iex", "cmd", "cmd.exe"];

let parser: Parser;

beforeAll(async () => {
  await Parser.init();
  const wasm = createRequire(import.meta.url).resolve("tree-sitter-powershell/tree-sitter-powershell.wasm");
  parser = new Parser();
  parser.setLanguage(await Language.load(wasm));
});

function findScripts(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : findScripts(path.join(dir, entry.name));
    return entry.name.toLowerCase().endsWith(".ps1") ? [path.join(dir, entry.name)] : [];
  });
}

function descendants(node: Node): Node[] {
  return [node, ...node.children.flatMap((child) => descendants(child))];
}

function where(node: Node): string {
  return `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface Checked {
  root: Node;
  problems: string[];
}

/** Everything a .ps1 must satisfy to run in Windows PowerShell 5.1 and PowerShell 7. */
function checkScript(bytes: Buffer): Checked {
  const hasBom = bytes.subarray(0, 3).equals(BOM);
  const text = bytes.subarray(hasBom ? 3 : 0).toString("utf8");
  const tree = parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree");
  const root = tree.rootNode;
  const nodes = descendants(root);
  const problems: string[] = [];
  for (const node of nodes) {
    if (node.isError)
      problems.push(`syntax error at ${where(node)}: ${JSON.stringify(node.text.slice(0, 40))}`);
    if (node.isMissing) problems.push(`missing ${node.type} at ${where(node)}`);
    if (node.type === "pipeline_chain_tail") {
      problems.push(`'${node.text}' pipeline chain at ${where(node)} needs PowerShell 7`);
    }
    if (
      node.type === "variable" &&
      PS7_ONLY_VARIABLES.some((name) => name.toLowerCase() === node.text.toLowerCase())
    ) {
      problems.push(`${node.text} at ${where(node)} does not exist in Windows PowerShell 5.1`);
    }
    if (node.type === "command_name" && FORBIDDEN_COMMANDS.includes(node.text.toLowerCase())) {
      problems.push(`${node.text} at ${where(node)}: build argument arrays, never command strings`);
    }
  }
  if (!hasBom && bytes.some((byte) => byte > 0x7f)) {
    problems.push("non-ASCII text without a UTF-8 BOM (Windows PowerShell 5.1 would read it as ANSI)");
  }
  const top = root.namedChildren.find((node) => node.type === "statement_list");
  const topShapes = top?.namedChildren.map(shape) ?? [];
  if (!topShapes.includes(ps("Set-StrictMode -Version Latest")))
    problems.push("no top-level Set-StrictMode -Version Latest");
  if (!topShapes.includes(ps("$ErrorActionPreference = 'Stop'")))
    problems.push("no top-level $ErrorActionPreference = 'Stop'");
  const help = root.namedChildren.find((node) => node.type === "comment");
  if (!help || !/^<#[\s\S]*\.SYNOPSIS[\s\S]*\.DESCRIPTION[\s\S]*#>$/.test(help.text)) {
    problems.push("no comment-based help (<# .SYNOPSIS .DESCRIPTION #>) at the top");
  }
  return { root, problems };
}

interface Parameter {
  name: string;
  type: string | undefined;
  default: string | undefined;
  attributes: string[];
}

/** The script-level param(...) block, read from the syntax tree. */
function scriptParameters(root: Node): Parameter[] {
  const block = root.namedChildren.find((node) => node.type === "param_block");
  const list = block?.namedChildren.find((node) => node.type === "parameter_list");
  return (list?.namedChildren ?? [])
    .filter((node) => node.type === "script_parameter")
    .map((node) => {
      const attributes =
        node.namedChildren.find((child) => child.type === "attribute_list")?.namedChildren ?? [];
      const typeLiteral = attributes.find((attr) =>
        attr.namedChildren.some((c) => c.type === "type_literal"),
      );
      const variable = node.namedChildren.find((child) => child.type === "variable");
      const fallback = node.namedChildren.find((child) => child.type === "script_parameter_default");
      return {
        name: (variable?.text ?? "").replace(/^\$/, ""),
        type: typeLiteral?.text.slice(1, -1).toLowerCase(),
        default: fallback ? shape(fallback).replace(/^= /, "") : undefined,
        attributes: attributes.filter((attr) => attr !== typeLiteral).map((attr) => attr.text),
      };
    });
}

function commandsNamed(root: Node, name: string): Node[] {
  return descendants(root).filter(
    (node) =>
      node.type === "command" &&
      node.namedChildren.find((c) => c.type === "command_name")?.text.toLowerCase() === name.toLowerCase(),
  );
}

/** `-Name value` pairs of a command (`true` for a switch), keys lower-case without the dash. */
function commandParameters(command: Node): Map<string, string | true> {
  const elements =
    command.namedChildren
      .find((c) => c.type === "command_elements")
      ?.namedChildren.filter((c) => c.type !== "command_argument_sep") ?? [];
  const out = new Map<string, string | true>();
  elements.forEach((element, i) => {
    if (element.type !== "command_parameter") return;
    const next = elements[i + 1];
    const key = element.text.replace(/^-/, "").replace(/:$/, "").toLowerCase();
    out.set(key, next && next.type !== "command_parameter" ? shape(next) : true);
  });
  return out;
}

/** Commands run with an invocation operator: `&` (call) or `.` (dot-source, in the caller's scope). */
function invokedWith(root: Node, operator: "&" | "."): Node[] {
  return descendants(root).filter(
    (node) =>
      node.type === "command" &&
      node.namedChildren.some((c) => c.type === "command_invokation_operator" && c.text === operator),
  );
}

/** Commands run with the call operator `&`. */
function callOperatorCommands(root: Node): Node[] {
  return invokedWith(root, "&");
}

/** Shapes of the conditions of the `if` statements enclosing `node`, innermost first. */
function enclosingIfConditions(node: Node): string[] {
  const out: string[] = [];
  for (let at = node.parent; at; at = at.parent) {
    if (at.type === "if_statement") out.push(shape(at.namedChildren.find((c) => c.type === "pipeline")));
  }
  return out;
}

function ifStatementOn(root: Node, condition: string): Node | undefined {
  return descendants(root).find(
    (n) =>
      n.type === "if_statement" &&
      shape(n.namedChildren.find((c) => c.type === "pipeline")) === ps(condition),
  );
}

function stringLiterals(root: Node, value: string): Node[] {
  return descendants(root).filter((node) => node.type === "string_literal" && literalValue(node) === value);
}

/** Every `$name = ...` assignment, in order. */
function assignmentNodes(root: Node, name: string): Node[] {
  return descendants(root)
    .filter((node) => node.type === "assignment_expression")
    .filter((node) => node.namedChildren[0]?.text.toLowerCase() === `$${name}`.toLowerCase());
}

/** What an assignment assigns (a trailing comment is a child of the assignment too). */
function rightSide(assignment: Node): Node | undefined {
  return assignment.namedChildren.filter((child) => child.type !== "comment").at(-1);
}

/** The shape of the right-hand side of every `$name = ...` assignment. */
function assignmentsOf(root: Node, name: string): string[] {
  return assignmentNodes(root, name).map((node) => shape(rightSide(node)));
}

/** A string literal's value when it expands nothing (quote style is then immaterial), else null. */
function literalValue(node: Node): string | null {
  const text = node.text;
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replaceAll("''", "'");
  if (text.startsWith('"') && text.endsWith('"') && !/[$`]/.test(text)) return text.slice(1, -1);
  return null;
}

/**
 * The structure of a piece of script as its tokens: what PowerShell runs, without layout, comments,
 * the case of names (PowerShell ignores it) or the quoting of plain strings. Two pieces of script
 * with the same shape do the same thing; a changed command, argument, operator or order differs.
 */
function tokens(node: Node): string[] {
  if (node.type === "comment") return [];
  if (node.type === "string_literal" || node.type === "expandable_string_literal") {
    // A plain string compares by value; one that expands variables compares exactly as written.
    const value = literalValue(node);
    return [value === null ? node.text : `'${value}'`];
  }
  if (node.childCount === 0) return node.text.trim() === "" ? [] : [node.text.toLowerCase()];
  return node.children.flatMap(tokens);
}

function shape(node: Node | null | undefined): string {
  return node ? tokens(node).join(" ") : "(none)";
}

/** The shape of a PowerShell snippet, parsed the same way: expectations are written as script. */
function ps(snippet: string): string {
  const tree = parser.parse(snippet);
  if (!tree) throw new Error("tree-sitter returned no tree");
  const problems = descendants(tree.rootNode).filter((n) => n.isError || n.isMissing);
  if (problems.length > 0) throw new Error(`expected snippet does not parse: ${snippet}`);
  return shape(tree.rootNode);
}

/** The statements of the block a node opens (a function, an if branch, a finally clause). */
function statementsOf(node: Node | null | undefined): Node[] {
  const list = node ? descendants(node).find((n) => n.type === "statement_list") : undefined;
  return list?.namedChildren ?? [];
}

function functionNamed(root: Node, name: string): Node | undefined {
  return descendants(root).find(
    (node) =>
      node.type === "function_statement" &&
      node.namedChildren.find((c) => c.type === "function_name")?.text.toLowerCase() === name.toLowerCase(),
  );
}

/** The param(...) block of a function, read like a script's. */
function functionParameters(fn: Node | undefined): Parameter[] {
  const block = fn?.namedChildren.find((c) => c.type === "script_block");
  return block ? scriptParameters(block) : [];
}

/** The statements at the top level of a script, in order. */
function topStatements(root: Node): Node[] {
  return root.namedChildren.find((node) => node.type === "statement_list")?.namedChildren ?? [];
}

/** Commands that write to stdout; a launcher whose stdout is JSON-RPC must use none of them. */
const STDOUT_WRITERS = [
  "Write-Output",
  "Write-Host",
  "Write-Information",
  "Write-Warning",
  "Write-Verbose",
  "Write-Debug",
  "Write-Progress",
  "echo",
  "Out-Host",
  "Out-Default",
];

function load(relative: string): Checked {
  return checkScript(fs.readFileSync(path.join(REPO, relative)));
}

describe("every .ps1 in the repository", () => {
  const scripts = findScripts(REPO).map((file) => path.relative(REPO, file).split(path.sep).join("/"));

  it("includes the three product scripts", () => {
    expect(scripts).toEqual(
      expect.arrayContaining([
        "Start-GraceHostContinuation.ps1",
        "scripts/Start-GraceOrchestratorMcp.ps1",
        "scripts/Register-GraceHostContinuationTask.ps1",
        "scripts/GraceNode.ps1",
      ]),
    );
  });

  it.each(scripts)("%s parses cleanly and follows the Windows PowerShell 5.1 rules", (script) => {
    expect(load(script).problems).toEqual([]);
  });
});

describe("the checker itself can fail", () => {
  const header =
    "<#\n.SYNOPSIS\nx\n.DESCRIPTION\ny\n#>\nparam(\n    [string]$A\n)\n\nSet-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'\n";
  const problemsOf = (body: string, prefix = header) =>
    checkScript(Buffer.from(prefix + body, "utf8")).problems;

  it("accepts a minimal well-formed script", () => {
    expect(problemsOf("& node @('a', 'b')\nexit $LASTEXITCODE\n")).toEqual([]);
  });

  it.each([
    ["an unclosed block", "if ($A) {\n  Write-Output 1\n", /syntax error|missing/],
    ["a broken parameter list", "function f { param([string $x) }\n", /syntax error|missing/],
    ["a ternary", "$x = $A ? 1 : 2\n", /syntax error/],
    ["a null-coalescing operator", "$x = $A ?? 'b'\n", /syntax error/],
    ["an && chain", "git fetch && git pull\n", /'&&' pipeline chain/],
    ["an || chain", "git fetch || exit 1\n", /'\|\|' pipeline chain/],
    ["$IsWindows", "if ($IsWindows) { 1 }\n", /\$IsWindows .* 5\.1/],
    ["Invoke-Expression", 'Invoke-Expression "node $A"\n', /Invoke-Expression .* never command strings/],
    ["non-ASCII without a BOM", "# caf\u00e9\n", /non-ASCII text without a UTF-8 BOM/],
  ])("flags %s", (_what, body, message) => {
    expect(problemsOf(body).join("\n")).toMatch(message);
  });

  it("accepts non-ASCII text when the file has a UTF-8 BOM", () => {
    const bytes = Buffer.concat([BOM, Buffer.from(`${header}# caf\u00e9\n`, "utf8")]);
    expect(checkScript(bytes).problems).toEqual([]);
  });

  it("flags a missing StrictMode, ErrorActionPreference and help block", () => {
    const problems = problemsOf("param(\n    [string]$A\n)\n\nnode x\n", "").join("\n");
    expect(problems).toMatch(/Set-StrictMode/);
    expect(problems).toMatch(/ErrorActionPreference/);
    expect(problems).toMatch(/comment-based help/);
  });
});

describe("Start-GraceHostContinuation.ps1", () => {
  const script = () => load("Start-GraceHostContinuation.ps1").root;

  it("declares -DataDir (default from the env), -Once, -Stop and -PollIntervalSeconds", () => {
    expect(scriptParameters(script())).toEqual([
      { name: "DataDir", type: "string", default: ps("$env:GRACE_ORCHESTRATOR_DATA_DIR"), attributes: [] },
      { name: "Once", type: "switch", default: undefined, attributes: [] },
      { name: "Stop", type: "switch", default: undefined, attributes: [] },
      { name: "PollIntervalSeconds", type: "double", default: ps("5"), attributes: [] },
    ]);
  });

  it("runs the host-continuation entry with the call operator and an argument array", () => {
    const root = script();
    const calls = callOperatorCommands(root);
    expect(calls.map(shape)).toEqual([ps("& $node @nodeArgs")]);
    expect(assignmentsOf(root, "entry")).toEqual([
      ps("Join-Path $repoRoot 'dist/src/cli/host-continuation.js'"),
    ]);
    expect(assignmentsOf(root, "nodeArgs")).toEqual([
      ps("@($entry, '--data-dir', $dataDirFull)"),
      ps("'--once'"),
      ps("'--stop'"),
      ps("@('--poll-interval-seconds', $interval)"),
    ]);
    expect(assignmentsOf(root, "node")).toEqual([
      ps("Resolve-GraceNode -Root $repoRoot -Caller 'Start-GraceHostContinuation'"),
    ]);
  });

  it("passes --once only under -Once and --poll-interval-seconds only when given", () => {
    const root = script();
    const once = stringLiterals(root, "--once");
    expect(once).toHaveLength(1);
    expect(enclosingIfConditions(once[0] as Node)).toEqual([ps("$Once")]);
    const stop = stringLiterals(root, "--stop");
    expect(stop).toHaveLength(1);
    expect(enclosingIfConditions(stop[0] as Node)).toEqual([ps("$Stop")]);
    const both = stringLiterals(root, "-Once and -Stop cannot be combined");
    expect(both).toHaveLength(1);
    expect(enclosingIfConditions(both[0] as Node)).toEqual([ps("$Once -and $Stop")]);
    const poll = stringLiterals(root, "--poll-interval-seconds");
    expect(poll).toHaveLength(1);
    expect(enclosingIfConditions(poll[0] as Node)).toEqual([
      ps("$PSBoundParameters.ContainsKey('PollIntervalSeconds')"),
    ]);
  });

  it("stops with exit code 2 and a usage message when no data dir is known", () => {
    const root = script();
    const message = stringLiterals(root, "set GRACE_ORCHESTRATOR_DATA_DIR or pass -DataDir");
    expect(message).toHaveLength(1);
    expect(enclosingIfConditions(message[0] as Node)).toEqual([ps("[string]::IsNullOrWhiteSpace($DataDir)")]);
    expect(statementsOf(functionNamed(root, "Stop-WithUsageError")).map(shape).at(-1)).toBe(ps("exit 2"));
  });

  it("exits with the supervisor's exit code", () => {
    expect(topStatements(script()).slice(-2).map(shape)).toEqual([
      ps("& $node @nodeArgs"),
      ps("exit $LASTEXITCODE"),
    ]);
  });
});

describe("scripts/Start-GraceOrchestratorMcp.ps1", () => {
  const script = () => load("scripts/Start-GraceOrchestratorMcp.ps1").root;

  it("declares -ActorName, -ActorRole (the six roles), -DataDir and -LogLevel", () => {
    const params = scriptParameters(script());
    expect(params.map((param) => [param.name, param.type])).toEqual([
      ["ActorName", "string"],
      ["ActorRole", "string"],
      ["DataDir", "string"],
      ["LogLevel", "string"],
    ]);
    const roleSet = params[1]?.attributes.find((attr) => attr.toLowerCase().startsWith("[validateset("));
    const roleValues = descendants(parser.parse(roleSet ?? "")!.rootNode)
      .filter((node) => node.type === "string_literal")
      .map(literalValue);
    expect(roleValues).toEqual([...ROLES]);
    // Required, but checked in the body: a Mandatory prompt would read the JSON-RPC stdin.
    expect(params.flatMap((param) => param.attributes).join(" ")).not.toMatch(/Mandatory/);
    const root = script();
    for (const name of ["ActorName", "ActorRole"]) {
      const check = ifStatementOn(root, `[string]::IsNullOrWhiteSpace($${name})`);
      const refusal = commandsNamed(check ?? root, "Stop-WithUsageError");
      expect(check === undefined ? [] : refusal.map(shape)).toEqual([
        expect.stringMatching(new RegExp(`^stop-withusageerror 'pass -${name} `)),
      ]);
    }
  });

  it("runs the MCP server entry with the call operator", () => {
    const root = script();
    expect(callOperatorCommands(root).map(shape)).toEqual([ps("& $node $entry")]);
    expect(assignmentsOf(root, "entry")).toEqual([ps("Join-Path $repoRoot 'dist/src/cli/server.js'")]);
  });

  it("sets the identity variables for the child and restores them", () => {
    const root = script();
    expect(assignmentsOf(root, "childEnv")).toEqual([
      ps("@{\n GRACE_ORCHESTRATOR_ACTOR_NAME = $ActorName\n GRACE_ORCHESTRATOR_ACTOR_ROLE = $ActorRole\n}"),
    ]);
    const dataDir = descendants(root).filter(
      (n) =>
        n.type === "assignment_expression" &&
        shape(n.namedChildren[0]) === ps("$childEnv['GRACE_ORCHESTRATOR_DATA_DIR']"),
    );
    expect(dataDir.map((n) => shape(rightSide(n)))).toEqual([
      ps("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($DataDir)"),
    ]);
    const pipelinesShaped = (within: Node, snippet: string) =>
      descendants(within).filter((n) => n.type === "pipeline" && shape(n) === ps(snippet));
    const finallyClause = descendants(root).find((n) => n.type === "finally_clause");
    expect(finallyClause).toBeDefined();
    const set = "[Environment]::SetEnvironmentVariable($name, $childEnv[$name], 'Process')";
    const restore = "[Environment]::SetEnvironmentVariable($name, $saved[$name], 'Process')";
    expect(pipelinesShaped(root, set)).toHaveLength(1);
    expect(pipelinesShaped(finallyClause as Node, set)).toHaveLength(0);
    expect(pipelinesShaped(finallyClause as Node, restore)).toHaveLength(1);
    // The server runs inside the try whose finally restores.
    const server = callOperatorCommands(root).find((call) => shape(call) === ps("& $node $entry"));
    const tryStatement = finallyClause?.parent;
    expect(tryStatement?.type).toBe("try_statement");
    expect(
      server !== undefined &&
        server.startIndex >= (tryStatement as Node).startIndex &&
        server.endIndex <= (finallyClause as Node).startIndex,
    ).toBe(true);
  });

  it("writes nothing to stdout itself (stdout carries JSON-RPC)", () => {
    const root = script();
    expect(STDOUT_WRITERS.flatMap((name) => commandsNamed(root, name)).map((node) => node.text)).toEqual([]);
    // A bare expression or an unknown command as a statement would print its result.
    const statementPipelines = descendants(root).filter(
      (node) =>
        node.type === "pipeline" &&
        node.parent?.type === "statement_list" &&
        node.parent.parent?.type !== "sub_expression", // "$(...)" inside a string is not output
    );
    const quiet = ["set-strictmode ", "stop-withusageerror ", "[ environment ] :: setenvironmentvariable ("];
    const silent = (node: Node): boolean =>
      node.namedChildren[0]?.type === "assignment_expression" ||
      shape(node) === ps("& $node $entry") ||
      shape(node) === ps(". $nodeLookup") || // defines a function; the helper's own checks show it prints nothing
      shape(node).startsWith(ps("[Console]::Error.WriteLine").concat(" (")) ||
      quiet.some((prefix) => shape(node).startsWith(prefix));
    expect(statementPipelines.filter((node) => !silent(node)).map(shape)).toEqual([]);
  });
});

describe("scripts/Register-GraceHostContinuationTask.ps1", () => {
  const script = () => load("scripts/Register-GraceHostContinuationTask.ps1").root;

  it("declares -DataDir, -TaskName, the two command templates, -WaitSeconds, -Stop and -Unregister", () => {
    expect(scriptParameters(script()).map((param) => [param.name, param.type, param.default])).toEqual([
      ["DataDir", "string", ps("$env:GRACE_ORCHESTRATOR_DATA_DIR")],
      ["TaskName", "string", ps("'GraceHostContinuation'")],
      ["CodexResumeCommand", "string", undefined],
      ["CodexStartCommand", "string", undefined],
      ["WaitSeconds", "string", undefined],
      ["Stop", "switch", undefined],
      ["Unregister", "switch", undefined],
    ]);
  });

  it("registers powershell.exe running the launcher hidden, at logon, replacing any earlier task", () => {
    const root = script();
    const [action] = commandsNamed(root, "New-ScheduledTaskAction").map(commandParameters);
    expect(action?.get("execute")).toBe(ps("$powershellExe"));
    expect(action?.get("argument")).toBe(ps("$taskArguments"));
    expect(assignmentsOf(root, "powershellExe")).toEqual([
      ps("Join-Path $env:SystemRoot 'System32\\WindowsPowerShell\\v1.0\\powershell.exe'"),
    ]);
    expect(assignmentsOf(root, "taskArguments")).toEqual([
      ps(
        `'-NoProfile -ExecutionPolicy Bypass -WindowStyle Hidden -File "{0}" -DataDir "{1}"' -f $launcher, $dataDirFull`,
      ),
    ]);
    expect(assignmentsOf(root, "launcher")).toEqual([
      ps("Join-Path $repoRoot 'Start-GraceHostContinuation.ps1'"),
    ]);
    const [trigger] = commandsNamed(root, "New-ScheduledTaskTrigger").map(commandParameters);
    expect(trigger?.get("atlogon")).toBe(true);
    expect(trigger?.get("user")).toBe(ps("$currentUser"));
    const [register] = commandsNamed(root, "Register-ScheduledTask").map(commandParameters);
    for (const key of ["taskname", "action", "trigger", "principal", "settings"])
      expect(register?.has(key)).toBe(true);
    expect(register?.get("force")).toBe(true);
  });

  it("keeps the supervisor running: restart on failure, one instance, hidden, no time limit", () => {
    const [settings] = commandsNamed(script(), "New-ScheduledTaskSettingsSet").map(commandParameters);
    expect(settings?.get("restartcount")).toBe(ps("999"));
    expect(settings?.get("restartinterval")).toBe(ps("(New-TimeSpan -Minutes 1)"));
    expect(settings?.get("multipleinstances")).toBe(ps("IgnoreNew"));
    expect(settings?.get("hidden")).toBe(true);
    expect(settings?.get("executiontimelimit")).toBe(ps("([TimeSpan]::Zero)"));
  });

  it("stops the supervisor cleanly through the launcher's -Stop: under -Stop (exiting with its code) and before -Unregister", () => {
    const root = script();
    const stops = callOperatorCommands(root).filter((call) => shape(call).startsWith(ps("& $launcher")));
    const stopCall = ps("& $launcher -DataDir $DataDir -Stop");
    expect(stops.map(shape)).toEqual([stopCall, stopCall]);
    expect(enclosingIfConditions(stops[0] as Node)).toEqual([ps("$Stop")]);
    expect(enclosingIfConditions(stops[1] as Node)).toContain(ps("$Unregister"));
    expect(commandsNamed(root, "Stop-ScheduledTask")).toHaveLength(0);
    expect(statementsOf(ifStatementOn(root, "$Stop")).map(shape).slice(-2)).toEqual([
      stopCall,
      ps("exit $LASTEXITCODE"),
    ]);
  });

  it("removes the task only under -Unregister, and persists the templates as user variables", () => {
    const root = script();
    const removals = commandsNamed(root, "Unregister-ScheduledTask");
    expect(removals).toHaveLength(1);
    expect(enclosingIfConditions(removals[0] as Node)).toContain(ps("$Unregister"));
    expect(stringLiterals(root, "GRACE_CODEX_RESUME_COMMAND")).toHaveLength(1);
    expect(stringLiterals(root, "GRACE_CODEX_START_COMMAND")).toHaveLength(1);
    const persist = ps(
      "[Environment]::SetEnvironmentVariable($commandVariables[$parameterName], $PSBoundParameters[$parameterName], 'User')",
    );
    expect(descendants(root).filter((n) => n.type === "pipeline" && shape(n) === persist)).toHaveLength(1);
  });
});

describe.each([
  ["Start-GraceHostContinuation.ps1", "$PSScriptRoot", "entry"],
  ["scripts/Start-GraceOrchestratorMcp.ps1", "Split-Path -Parent $PSScriptRoot", "entry"],
  ["scripts/Register-GraceHostContinuationTask.ps1", "Split-Path -Parent $PSScriptRoot", "launcher"],
])("%s honours GRACE_MCP_HOME", (script, fallback, user) => {
  const root = () => load(script).root;

  it("takes the checkout from GRACE_MCP_HOME when set (as an absolute path), else from its own place", () => {
    const r = root();
    expect(assignmentsOf(r, "repoRoot")).toEqual([
      ps("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($env:GRACE_MCP_HOME)"),
      ps(fallback),
    ]);
    const [fromHome, fromOwnPlace] = assignmentNodes(r, "repoRoot");
    expect(enclosingIfConditions(fromHome as Node)).toEqual([
      ps("-not [string]::IsNullOrWhiteSpace($env:GRACE_MCP_HOME)"),
    ]);
    // The fallback is the else branch of that same if, not a second unconditional assignment.
    expect(enclosingIfConditions(fromOwnPlace as Node)).toEqual([
      ps("-not [string]::IsNullOrWhiteSpace($env:GRACE_MCP_HOME)"),
    ]);
  });

  it("decides the checkout before it looks for what it runs there, and documents it", () => {
    const r = root();
    const decided = assignmentNodes(r, "repoRoot").map((n) => n.startIndex);
    const used = assignmentNodes(r, user).filter((n) =>
      shape(rightSide(n)).startsWith(ps("Join-Path $repoRoot")),
    );
    expect(used).toHaveLength(1);
    expect(Math.max(...decided)).toBeLessThan((used[0] as Node).startIndex);
    const help = r.namedChildren.find((node) => node.type === "comment");
    expect(help?.text).toMatch(/\$env:GRACE_MCP_HOME when set/);
  });
});

describe("scripts/GraceNode.ps1, the launchers' one Node lookup", () => {
  const script = () => load("scripts/GraceNode.ps1").root;
  const lookup = () => functionNamed(script(), "Resolve-GraceNode");

  it("only defines Resolve-GraceNode -Root -Caller: dot-sourcing it runs nothing else", () => {
    const statements = topStatements(script()).filter((node) => node.type !== "comment");
    expect(statements.map((node) => (node.type === "function_statement" ? "function" : shape(node)))).toEqual(
      [
        ps("Set-StrictMode -Version Latest"), // the launchers' own settings, set again
        ps("$ErrorActionPreference = 'Stop'"),
        "function",
      ],
    );
    expect(functionParameters(lookup()).map((param) => [param.name, param.type])).toEqual([
      ["Root", "string"],
      ["Caller", "string"],
    ]);
  });

  it("returns the checkout's pinned Node: node_modules\\node\\bin\\node.exe on Windows, node_modules/node/bin/node elsewhere", () => {
    const fn = lookup() as Node;
    expect(assignmentsOf(fn, "onWindows")).toEqual([ps("[System.IO.Path]::DirectorySeparatorChar -eq '\\'")]);
    const [windows, elsewhere] = assignmentNodes(fn, "candidate");
    expect(assignmentsOf(fn, "candidate")).toEqual([
      ps("Join-Path $Root 'node_modules\\node\\bin\\node.exe'"),
      ps("Join-Path $Root 'node_modules/node/bin/node'"),
    ]);
    expect(enclosingIfConditions(windows as Node)).toEqual([ps("$onWindows")]);
    expect(enclosingIfConditions(elsewhere as Node)).toEqual([ps("$onWindows")]); // its else branch
    expect(
      statementsOf(ifStatementOn(fn, "Test-Path -LiteralPath $candidate -PathType Leaf")).map(shape),
    ).toEqual([ps("return $candidate")]);
  });

  it("falls back to node on PATH, saying so on stderr; with neither it exits 2 naming its caller", () => {
    const fn = lookup() as Node;
    expect(assignmentsOf(fn, "onPath")).toEqual([
      ps(
        "Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1",
      ),
    ]);
    // Each message goes to stderr and starts with the caller's name.
    const toStderr = `${ps("[Console]::Error.WriteLine")} ( "\${Caller}: the project's Node.js was not found at $candidate`;
    const missing = statementsOf(ifStatementOn(fn, "$null -eq $onPath")).map(shape);
    expect(missing).toHaveLength(2);
    expect(missing[0]).toContain(toStderr);
    expect(missing[0]).toContain("there is no 'node' on PATH");
    expect(missing[1]).toBe(ps("exit 2"));
    const body = statementsOf(fn).map(shape);
    expect(body.at(-2)).toContain(toStderr);
    expect(body.at(-2)).toContain("using $($onPath.Path) from PATH");
    expect(body.at(-1)).toBe(ps("return $onPath.Path"));
  });

  it("writes nothing to stdout (the MCP launcher's stdout is JSON-RPC)", () => {
    expect(STDOUT_WRITERS.flatMap((name) => commandsNamed(script(), name)).map((n) => n.text)).toEqual([]);
  });
});

describe.each([
  ["Start-GraceHostContinuation.ps1", "Start-GraceHostContinuation"],
  ["scripts/Start-GraceOrchestratorMcp.ps1", "Start-GraceOrchestratorMcp"],
])("%s uses the shared Node lookup", (script, caller) => {
  const root = () => load(script).root;

  it("dot-sources scripts/GraceNode.ps1 from the checkout, then takes its Node from Resolve-GraceNode", () => {
    const r = root();
    const [helper] = assignmentNodes(r, "nodeLookup");
    expect(assignmentsOf(r, "nodeLookup")).toEqual([ps("Join-Path $repoRoot 'scripts/GraceNode.ps1'")]);
    const dotSourced = invokedWith(r, ".");
    expect(dotSourced.map(shape)).toEqual([ps(". $nodeLookup")]);
    const [node] = assignmentNodes(r, "node");
    expect(assignmentsOf(r, "node")).toEqual([ps(`Resolve-GraceNode -Root $repoRoot -Caller '${caller}'`)]);
    // In this order, at the top level: the checkout is decided, the helper loaded, then called.
    const top = topStatements(r);
    const order = [assignmentNodes(r, "repoRoot").at(-1), helper, dotSourced[0], node].map((n) =>
      top.findIndex((s) => n !== undefined && s.startIndex <= n.startIndex && n.endIndex <= s.endIndex),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(enclosingIfConditions(dotSourced[0] as Node)).toEqual([]);
    expect(enclosingIfConditions(node as Node)).toEqual([]);
  });

  it("stops with exit code 2 when the checkout has no helper, before dot-sourcing it", () => {
    const check = ifStatementOn(root(), "-not (Test-Path -LiteralPath $nodeLookup -PathType Leaf)");
    expect(commandsNamed(check ?? root(), "Stop-WithUsageError").map(shape)).toEqual([
      expect.stringMatching(/^stop-withusageerror "\$nodeLookup is missing; /),
    ]);
  });

  it("keeps no lookup of its own", () => {
    const r = root();
    expect(functionNamed(r, "Resolve-GraceNode")).toBeUndefined();
    expect(descendants(r).filter((n) => n.type === "string_literal" && /node_modules/.test(n.text))).toEqual(
      [],
    );
    expect(commandsNamed(r, "Get-Command")).toEqual([]);
  });

  it("calls a function the helper defines, with parameters it declares", () => {
    const helper = load("scripts/GraceNode.ps1").root;
    const [call] = commandsNamed(root(), "Resolve-GraceNode").map(commandParameters);
    const declared = functionParameters(functionNamed(helper, "Resolve-GraceNode")).map((p) =>
      p.name.toLowerCase(),
    );
    expect([...(call?.keys() ?? [])]).toEqual(declared);
  });
});
