/**
 * The first code every bin runs. It must load and run on a Node older than the one this package
 * needs (a machine's own Node 18 or 20), so it imports only Node built-ins that every supported
 * major has, and the rest of the program is imported only after it passed. On an old Node it
 * re-runs the same command with the checkout's pinned Node (the `node` devDependency) if that is
 * installed, or prints one line saying what to run and exits 2: an old Node must never get as far
 * as loading a native module built for another ABI (a segfault) or a newer built-in (a SyntaxError).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface PackageJson {
  name?: string;
  version?: string;
  engines?: { node?: string };
  bin?: Record<string, string>;
}

const PACKAGE_NAME = "grace-orchestrator-mcp";
/** Used when package.json cannot be read; kept equal to its engines field. */
const FALLBACK_MINIMUM: readonly [number, number] = [22, 12];

/** The checkout (or installed package) root: the nearest folder above `fromUrl` with our package.json. */
export function packageRoot(fromUrl: string): string | null {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    const pkg = readPackageJson(dir);
    if (pkg && pkg.name === PACKAGE_NAME) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function readPackageJson(dir: string): PackageJson | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as PackageJson;
  } catch {
    return null;
  }
}

/** `>=22.12` (the only form our engines field uses) → [22, 12]; anything else → the fallback. */
export function minimumNode(engines: string | undefined): readonly [number, number] {
  const match = /^\s*>=\s*(\d+)(?:\.(\d+))?/.exec(engines || "");
  return match ? [Number(match[1]), Number(match[2] || 0)] : FALLBACK_MINIMUM;
}

export function isAtLeast(version: string, minimum: readonly [number, number]): boolean {
  const parts = version.replace(/^v/, "").split(".").map(Number);
  const major = parts[0] || 0;
  const minor = parts[1] || 0;
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

/** The pinned Node of a checkout: node_modules/node/bin/node(.exe), if installed. */
export function pinnedNode(root: string, platform: NodeJS.Platform): string | null {
  const file = path.join(root, "node_modules", "node", "bin", platform === "win32" ? "node.exe" : "node");
  return fs.existsSync(file) ? file : null;
}

function sameFile(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}

/** Runs this same command under `node` with stdio shared, forwards signals, exits with its code. */
function rerun(node: string): void {
  const child = spawn(node, process.execArgv.concat(process.argv.slice(1)), { stdio: "inherit" });
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  for (const signal of signals) process.on(signal, forward(signal));
  child.on("error", (error) => {
    process.stderr.write(`Could not start the pinned Node ${node}: ${error.message}\n`);
    process.exit(2);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      // Die of the same signal, so whoever started us sees what the real program saw.
      for (const s of signals) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exitCode = code === null ? 1 : code;
  });
}

/**
 * True when this Node may load the program. Otherwise it has already arranged the outcome (a
 * re-run under the pinned Node, or one line and exit code 2) and the caller must load nothing.
 */
export function nodeIsSupported(entryUrl: string): boolean {
  const root = packageRoot(entryUrl);
  const pkg = root ? readPackageJson(root) : null;
  const engines = pkg && pkg.engines ? pkg.engines.node : undefined;
  const minimum = minimumNode(engines);
  if (isAtLeast(process.versions.node, minimum)) return true;
  const pinned = root ? pinnedNode(root, process.platform) : null;
  // The pinned Node being old itself would loop: report instead.
  if (pinned && !sameFile(pinned, process.execPath)) {
    rerun(pinned);
    return false;
  }
  const wanted = `>=${minimum[0]}.${minimum[1]}`;
  const where = root ? `run 'npm ci' in ${root} to install the pinned Node, or ` : "";
  process.stderr.write(
    `${path.basename(process.argv[1] || PACKAGE_NAME, ".js")} needs Node ${wanted}, this is ${process.version}: ${where}start it with a Node ${minimum[0]}.\n`,
  );
  process.exitCode = 2;
  return false;
}

/** This package's version, for `--version` and the start-up line. */
export function packageVersion(fromUrl: string): string {
  const root = packageRoot(fromUrl);
  const pkg = root ? readPackageJson(root) : null;
  return (pkg && pkg.version) || "unknown";
}
