export * from "./events.js";
export { HookRegistry } from "./registry.js";
export { createDefaultHookRegistry, installDefaultHooks } from "./default-hooks.js";
