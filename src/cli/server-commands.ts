/**
 * What `grace-orchestrator-mcp [command]` runs. No argument serves MCP over STDIO (what an MCP
 * client starts); a subcommand is one row of COMMANDS, loaded only when asked for, so serving pays
 * for none of them.
 */
import { packageVersion } from "../config/node-guard.js";

/** A subcommand: its one-line summary for --help and its entry (returns the exit code). */
interface Command {
  summary: string;
  load: () => Promise<{ main: (args: string[]) => number | Promise<number> }>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  scaffold: {
    summary: "write the six GRACE artifacts (docs/*.xml) for an existing git repository",
    load: () => import("./scaffold.js"),
  },
  demo: {
    summary: "play one task end to end in a temp folder (fake Mimo and controller)",
    load: () => import("./demo.js"),
  },
  "import-legacy": {
    summary: "copy a data dir of the Python predecessor into a new data dir",
    load: () => import("./import-legacy.js"),
  },
  doctor: {
    summary: "check this installation and its data dir; exit 1 on a problem",
    load: () => import("./doctor.js"),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: grace-orchestrator-mcp [COMMAND] [--help] [--version]

Without a command: the MCP server on STDIO (JSON-RPC on stdout, logs on stderr and in
<data dir>/logs). An MCP client starts it with GRACE_ORCHESTRATOR_ACTOR_NAME and
GRACE_ORCHESTRATOR_ACTOR_ROLE set; see README.md.

Commands:
${rows.join("\n")}
Run 'grace-orchestrator-mcp COMMAND --help' for a command's options.`;
}

export async function dispatch(args: string[]): Promise<void> {
  const [first, ...rest] = args;
  if (first === "-h" || first === "--help") {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  if (first === "--version") {
    process.stdout.write(`${packageVersion(import.meta.url)}\n`);
    return;
  }
  if (first === undefined) {
    await import("./server.js");
    return;
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!command) {
    process.stderr.write(`Unknown command or option '${first}'.\n${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  const { main } = await command.load();
  process.exitCode = await main(rest);
}
