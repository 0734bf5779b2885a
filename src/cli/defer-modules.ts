import { registerHooks } from "node:module";

const SDK_ESM = "/@modelcontextprotocol/sdk/dist/esm/";

/**
 * Imports of the SDK that a start does not need, each answered by our module with the same
 * export that loads the real one on first use: the server's ajv provider (it validates only
 * elicitation answers, which this server never requests) and zod-to-json-schema (it converts
 * only zod 3 schemas; ours are zod 4). Both are about a fifth of a start's module loading.
 */
const DEFERRED: readonly { importer: string; specifier: string; stand_in: string }[] = [
  {
    importer: `${SDK_ESM}server/index.js`,
    specifier: "../validation/ajv-provider.js",
    stand_in: "../tools/lazy-validator.js",
  },
  {
    importer: `${SDK_ESM}server/zod-json-schema-compat.js`,
    specifier: "zod-to-json-schema",
    stand_in: "../tools/lazy-zod-to-json-schema.js",
  },
];

/**
 * Registers the redirection of DEFERRED; every other import resolves as usual. A Node without
 * in-thread module hooks (before 22.15) keeps the SDK's own imports: the same behaviour, slower.
 */
export function deferModules(): void {
  if (typeof registerHooks !== "function") return;
  const table = DEFERRED.map((d) => ({ ...d, url: new URL(d.stand_in, import.meta.url).href }));
  registerHooks({
    resolve(specifier, context, next) {
      const hit = table.find(
        (d) => d.specifier === specifier && context.parentURL?.endsWith(d.importer) === true,
      );
      return hit ? { url: hit.url, format: "module", shortCircuit: true } : next(specifier, context);
    },
  });
}
