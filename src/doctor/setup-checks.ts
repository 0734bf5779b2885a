/** Doctor checks of the runtime and configuration: Node, identity, Mimo, controller templates, waits. */
import { continuationSettingsFromEnv } from "../config/continuation.js";
import { oneOf } from "../domain/errors.js";
import { ROLES } from "../domain/roles.js";
import { identityFromEnv } from "../config/identity.js";
import { isAtLeast } from "../config/node-guard.js";
import { programSearchFromEnv } from "../config/program-search.js";
import type { Settings } from "../config/settings.js";
import { splitCommandTemplate } from "../continuation/command-template.js";
import { resolveMimoExecutable } from "../mimo/executable.js";
import { isExecutableFile, resolveProgram } from "../process/which.js";
import { ok, problem, type CheckResult, type DoctorContext } from "./check.js";

const MINIMUM_NODE = [22, 12] as const;
/** Codex's default tool_timeout_sec: the limit a client has unless its config says otherwise. */
const CODEX_DEFAULT_TOOL_TIMEOUT = 60;
/** A wait shorter than this answers before a worker can do anything: the limits are misset. */
const SHORTEST_USEFUL_WAIT = 5;

export function nodeCheck(ctx: DoctorContext): CheckResult {
  const facts = [ctx.execPath];
  if (isAtLeast(ctx.nodeVersion, MINIMUM_NODE)) return ok("Runtime", `Node v${ctx.nodeVersion}`, facts);
  return problem(
    "fail",
    "Runtime",
    `Node v${ctx.nodeVersion} is older than 22.12`,
    "Run the bins through the checkout's pinned Node (npm ci installs it) or install Node 22.",
    facts,
  );
}

export function identityCheck(ctx: DoctorContext): CheckResult {
  try {
    const id = identityFromEnv(ctx.env);
    return ok("Identity", `actor ${id.name}, role ${id.primaryRole}`, [`actor id ${id.actorId}`]);
  } catch (error) {
    const message = (error as Error).message;
    // Unset in a person's shell is normal: the MCP client sets them for each server it starts.
    const unset = message.startsWith("ACTOR_IDENTITY_UNCONFIGURED");
    return problem(
      unset ? "warn" : "fail",
      "Identity",
      unset ? "GRACE_ORCHESTRATOR_ACTOR_NAME / _ROLE are not set here" : message,
      unset
        ? "Set both in each MCP client's server entry (env); the server refuses to start without them."
        : `Fix the variable: ${oneOf("the role", ROLES)}.`,
    );
  }
}

export function mimoCheck(settings: Settings, ctx: DoctorContext): CheckResult {
  const search = programSearchFromEnv(ctx.env, ctx.platform);
  try {
    // An npm shim resolves to the program it starts plus its script; an executable to itself.
    const argv = resolveMimoExecutable(settings.mimoCommand, search.path ?? "", ctx.platform);
    const kind =
      argv.length > 1 ? `through its npm shim: ${argv[0]} runs ${argv.slice(1).join(" ")}` : "executable";
    return ok("Mimo", `'${settings.mimoCommand}' → ${argv.join(" ")}`, [kind]);
  } catch (error) {
    return problem(
      "warn",
      "Mimo",
      (error as Error).message,
      "Install the Mimo CLI or set GRACE_ORCHESTRATOR_MIMO_COMMAND to its full path; workers cannot be launched until then.",
    );
  }
}

function templateCheck(name: string, template: string, ctx: DoctorContext): CheckResult {
  const search = programSearchFromEnv(ctx.env, ctx.platform);
  let program: string;
  try {
    program = splitCommandTemplate(template, ctx.platform)[0]!;
  } catch (error) {
    return problem(
      "fail",
      "Controller",
      `${name} does not parse: ${(error as Error).message}`,
      `Fix ${name}: a program followed by its arguments, placeholders like {prompt_file}.`,
    );
  }
  try {
    const resolved = resolveProgram(program, { ...search, isFile: isExecutableFile });
    return ok("Controller", `${name}: ${program} → ${resolved}`);
  } catch (error) {
    return problem(
      "fail",
      "Controller",
      `${name}: program '${program}' not found (${(error as Error).message})`,
      `Install it or use its absolute path in ${name}.`,
    );
  }
}

export function controllerChecks(ctx: DoctorContext): CheckResult[] {
  const s = continuationSettingsFromEnv(ctx.env);
  const templates: [string, string | null][] = [
    ["GRACE_CODEX_RESUME_COMMAND", s.resumeCommand],
    ["GRACE_CODEX_START_COMMAND", s.startCommand],
  ];
  const set = templates.flatMap(([name, template]) => (template === null ? [] : [[name, template] as const]));
  if (set.length === 0) {
    return [
      problem(
        "warn",
        "Controller",
        "No controller launch command is set",
        "Set GRACE_CODEX_RESUME_COMMAND and/or GRACE_CODEX_START_COMMAND where the supervisor runs, or worker events never start a controller.",
      ),
    ];
  }
  return set.map(([name, template]) => templateCheck(name, template, ctx));
}

export function waitCapCheck(settings: Settings): CheckResult {
  const limit = settings.handoffWaitToolCallLimitSeconds;
  const cap = limit - settings.handoffWaitTransportGraceSeconds;
  const facts = [
    `client tool-call limit ${limit} s (GRACE_HANDOFF_WAIT_TOOL_CALL_LIMIT_SECONDS)`,
    `transport grace ${settings.handoffWaitTransportGraceSeconds} s (GRACE_HANDOFF_WAIT_TRANSPORT_GRACE_SECONDS)`,
  ];
  if (cap < SHORTEST_USEFUL_WAIT)
    return problem(
      "fail",
      "Waits",
      `handoff.wait_for_event would answer after ${Math.max(0.1, cap)} s`,
      "Make the tool-call limit at least the grace plus 5 s, and equal to the client's tool_timeout_sec.",
      facts,
    );
  if (limit > CODEX_DEFAULT_TOOL_TIMEOUT)
    return problem(
      "warn",
      "Waits",
      `waits run up to ${cap} s, past Codex's default 60 s tool timeout`,
      `Set tool_timeout_sec = ${limit} (or more) for this server in the client's config, or the client cuts waits off.`,
      facts,
    );
  return ok("Waits", `handoff.wait_for_event answers within ${cap} s`, facts);
}
