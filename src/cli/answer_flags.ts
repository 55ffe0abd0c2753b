/**
 * The flags of `run` and `resume` about the final answer: `--output-schema` (the answer must be
 * JSON matching a schema) and `-o/--output-last-message` (the answer is also written to a file).
 * Both are read and checked before any request is sent.
 */

import { dirname, resolve } from "node:path";
import { CliFailure } from "./failure.ts";
import type { OutputSchema } from "../agent/output_schema.ts";
import type * as OutputSchemas from "../agent/output_schema.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";

/**
 * The schema checker's module, named by a constant: Deno reads the module graph of a literal
 * `import()` with the module that holds it, even when it is never called. The build includes it.
 */
const OUTPUT_SCHEMA_MODULE = "../agent/output_schema.ts";

/** Flag definitions. */
export const ANSWER_FLAGS = {
  "output-schema": { type: "string" },
  "output-last-message": { type: "string", short: "o" },
} as const;

/** Their lines of the help text. */
export const ANSWER_FLAGS_HELP = `      --output-schema FILE
                       the answer must be JSON matching the JSON Schema in FILE: it is asked
                       for as structured output, checked, and printed alone on stdout (with
                       --json: as "output"); a mismatch fails the run (exit 6)
  -o, --output-last-message FILE
                       also write the final answer to FILE (whatever the output mode)
`;

/** What the flags ask of the answer. */
export interface AnswerOptions {
  schema?: OutputSchema;
  /** Absolute path the final answer is written to. */
  lastMessageFile?: string;
}

/** Reads and checks the flags' files: a bad schema or an unwritable folder is bad usage. */
export async function answerOptionsFrom(
  values: { "output-schema"?: string; "output-last-message"?: string },
  cwd: string,
): Promise<AnswerOptions> {
  const options: AnswerOptions = {};
  const schemaFlag = values["output-schema"];
  if (schemaFlag !== undefined) options.schema = await readSchema(resolve(cwd, schemaFlag));
  const lastFlag = values["output-last-message"];
  if (lastFlag !== undefined) {
    const path = resolve(cwd, lastFlag);
    const folder = await Deno.stat(dirname(path)).catch(() => null);
    if (!folder?.isDirectory) {
      throw new CliFailure("usage", `--output-last-message: the folder of ${path} does not exist`);
    }
    options.lastMessageFile = path;
  }
  return options;
}

async function readSchema(path: string): Promise<OutputSchema> {
  const fix = { hint: 'give a JSON Schema file such as {"type": "object", "properties": {…}}' };
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "it does not exist" : String(error);
    throw new CliFailure("usage", `--output-schema: cannot read ${path}: ${why}`, fix);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliFailure("usage", `--output-schema: ${path} is not JSON: ${String(error)}`, fix);
  }
  // The schema checker (ajv) is loaded only when a schema is given: most runs have none.
  const { outputSchema, OutputSchemaError }: typeof OutputSchemas = await import(
    OUTPUT_SCHEMA_MODULE
  );
  try {
    return outputSchema(parsed);
  } catch (error) {
    if (error instanceof OutputSchemaError) {
      throw new CliFailure("usage", `--output-schema: ${path}: ${error.message}`, fix);
    }
    throw error;
  }
}

/** Writes the final answer to the `-o` file, whole or not at all. */
export async function writeLastMessage(path: string, answer: string): Promise<void> {
  try {
    await writeFileAtomic(path, answer);
  } catch (error) {
    throw new CliFailure("io", `--output-last-message: cannot write ${path}: ${String(error)}`);
  }
}
