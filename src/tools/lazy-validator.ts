import { createRequire } from "node:module";
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from "@modelcontextprotocol/sdk/validation";

type AjvProvider = typeof import("@modelcontextprotocol/sdk/validation/ajv");

const load = createRequire(import.meta.url);

/**
 * The SDK's server validates with ajv only what a client answers to an elicitation, which this
 * server never requests; loading ajv and compiling its formats is still about a tenth of a start.
 * This validator loads the SDK's ajv provider (its CommonJS build, so synchronously) and sets it
 * up on the first schema it is asked for. The start-up hook in src/cli/defer-modules.ts also gives
 * this class to the SDK in place of its ajv provider module, so ajv is not even loaded until then.
 */
export class LazyJsonSchemaValidator implements jsonSchemaValidator {
  private inner: jsonSchemaValidator | null = null;

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    this.inner ??= new (
      load("@modelcontextprotocol/sdk/validation/ajv") as AjvProvider
    ).AjvJsonSchemaValidator();
    return this.inner.getValidator<T>(schema);
  }
}

/** The name the SDK's server module imports from its ajv provider. */
export { LazyJsonSchemaValidator as AjvJsonSchemaValidator };
