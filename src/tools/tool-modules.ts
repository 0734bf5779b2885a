import { DEFAULT_WORKER_EVENTS_PER_MINUTE } from "../config/settings.js";
import type { ToolSettings } from "./index.js";
import type { ToolDef } from "./registry.js";

type Load = (settings: ToolSettings) => Promise<readonly ToolDef[]>;

/**
 * Every module of tools, each loaded on its own: a server whose listing was built loads a module
 * by the first call of one of its tools, so that call loads only what its own tools need.
 * `allTools` (index.ts) is the same set, loaded at once; the build checks that both name the same
 * tools.
 */
export const TOOL_MODULES: Readonly<Record<string, Load>> = {
  identity: async () => (await import("./identity-tools.js")).identityTools,
  project: async () => (await import("./project-tools.js")).projectTools,
  delegation: async () => (await import("./delegation-tools.js")).delegationTools,
  task: async () => (await import("./task-tools.js")).taskTools,
  grace: async () => (await import("./grace-tools.js")).graceTools,
  handoff: async (s) =>
    (await import("./handoff-tools.js")).handoffTools(
      s.wait,
      s.workerEventsPerMinute ?? DEFAULT_WORKER_EVENTS_PER_MINUTE,
    ),
  audit: async () => (await import("./audit-tools.js")).auditTools,
  continuation: async () => (await import("./continuation-tools.js")).continuationTools,
  package: async () => (await import("./package-tools.js")).packageTools,
  submission: async () => (await import("./submission-tools.js")).submissionTools,
  review: async () => (await import("./review-tools.js")).reviewTools,
  gate: async () => (await import("./gate-tools.js")).gateTools,
  repo: async () => (await import("./repo-tools.js")).repoTools,
  mimo: async (s) => (await import("./mimo-tools.js")).mimoTools(s.mimo ?? { command: "mimo", env: {} }),
  admin: async () => (await import("./admin-tools.js")).adminTools,
  inbox: async () => (await import("./inbox-tools.js")).inboxTools,
};

/** Each tool's name with the module it is in: what the build writes for starts to read. */
export async function toolModulesOf(settings: ToolSettings): Promise<Record<string, string>> {
  const byTool: Record<string, string> = {};
  for (const [module, load] of Object.entries(TOOL_MODULES)) {
    for (const def of await load(settings)) byTool[def.name] = module;
  }
  return byTool;
}

/**
 * The definition of a tool by its name, loading its module on first use (each module once);
 * `modules` maps each tool's name to its module, as the build wrote it.
 */
export function lazyDefinitions(
  settings: ToolSettings,
  modules: Readonly<Record<string, string>>,
  loaders: Readonly<Record<string, Load>> = TOOL_MODULES,
): (name: string) => Promise<ToolDef> {
  const loaded = new Map<string, Promise<readonly ToolDef[]>>();
  return async (name) => {
    const module = modules[name];
    const load = module === undefined ? undefined : loaders[module];
    if (module === undefined || load === undefined) throw new Error(`no module of the tool ${name}`);
    if (!loaded.has(module)) {
      // A failed load (say EMFILE under load) is not kept: the next call tries again.
      const loading = load(settings);
      loaded.set(module, loading);
      loading.catch(() => loaded.delete(module));
    }
    const def = (await loaded.get(module)!).find((d) => d.name === name);
    if (def === undefined) throw new Error(`no definition of the tool ${name} in its module ${module}`);
    return def;
  };
}
