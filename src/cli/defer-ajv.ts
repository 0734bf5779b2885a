import { registerHooks } from "node:module";

const SDK_SERVER = "/@modelcontextprotocol/sdk/dist/esm/server/index.js";
const AJV_PROVIDER = "../validation/ajv-provider.js";

/**
 * Points the SDK server module's import of its ajv provider at our validator that loads ajv on
 * first use (src/tools/lazy-validator.ts), so a start does not load ajv and its formats. Every
 * other import resolves as usual. A Node without in-thread module hooks (before 22.15) keeps the
 * SDK's own import: the same behaviour, only slower.
 */
export function deferAjv(): void {
  if (typeof registerHooks !== "function") return;
  const lazy = new URL("../tools/lazy-validator.js", import.meta.url).href;
  registerHooks({
    resolve(specifier, context, next) {
      if (specifier === AJV_PROVIDER && context.parentURL?.endsWith(SDK_SERVER) === true) {
        return { url: lazy, format: "module", shortCircuit: true };
      }
      return next(specifier, context);
    },
  });
}
