/**
 * `pixir models`: the models Pixir can use, with their context windows and reasoning efforts — the
 * ChatGPT backend's list for a subscription (cached a day), else Pixir's built-in table.
 */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import type { Io } from "../util/io.ts";
import { credentialsFrom, pathsFrom, settingsFrom } from "./inputs.ts";
import { userAgent } from "./turn_wiring.ts";
import { type Catalog, modelCatalog, modelCatalogPath } from "../provider/model_catalog.ts";
import { MODEL_TABLE, type ModelInfo } from "../provider/models.ts";
import type { Credential } from "../auth/credential.ts";
import { VERSION } from "../version.ts";

const FLAGS = { json: { type: "boolean" }, auth: { type: "string" } } as const;

/** The JSON of `pixir models --json` (version 1). */
export interface ModelsReport {
  v: 1;
  /** "backend" (just fetched), "cache" (fetched earlier) or "table" (built in). */
  source: Catalog["source"];
  /** Why a fresher source was not used, when one was tried. */
  reason?: string;
  models: ModelInfo[];
}

/** The `models` command. */
export const modelsCommand: Command = {
  name: "models",
  summary: "list the models with their context windows and reasoning efforts",
  help: `Usage: pixir models [--json] [--auth KIND]

Lists the models Pixir knows, each with its context window (the most input tokens a request may
carry) and the reasoning efforts it accepts. Signed in with ChatGPT, the list is the backend's own,
kept for a day in Pixir's data folder; otherwise, or when the backend cannot be reached, it is
Pixir's built-in table. A model in neither is counted with a 128 000-token window.

Flags:
      --auth KIND      subscription or api-key (default: as \`pixir run\` chooses)
      --json           print one JSON object: {v, source, reason?, models: [{slug, context_window,
                       efforts}]}
  -h, --help           show this help

Example:
  pixir models --json | jq -r '.models[] | "\\(.slug) \\(.context_window)"'
`,
  async run(argv, io) {
    const { values } = parseFlags(modelsCommand, argv, FLAGS);
    const report = await modelsReport(io, values.auth);
    await io.stdout.write(values.json ? JSON.stringify(report) + "\n" : describe(report));
    return EXIT.ok;
  },
};

async function modelsReport(io: Io, auth: string | undefined): Promise<ModelsReport> {
  const paths = pathsFrom(io);
  let credential: Credential;
  try {
    credential = await (await credentialsFrom(io, auth, paths)).provider.get();
  } catch (error) {
    // Without a usable sign-in the built-in table is still an answer.
    if (error instanceof CliFailure && error.kind !== "usage") {
      return { v: 1, source: "table", reason: error.message, models: [...MODEL_TABLE] };
    }
    throw error;
  }
  if (credential.kind !== "chatgpt") return { v: 1, source: "table", models: [...MODEL_TABLE] };
  const settings = settingsFrom(io);
  const catalog = await modelCatalog({
    fetch: io.fetch,
    now: io.now,
    credential,
    endpoints: { openaiBaseUrl: settings.openaiBaseUrl, chatgptBaseUrl: settings.chatgptBaseUrl },
    userAgent: userAgent(io.os),
    clientVersion: VERSION,
    cacheFile: modelCatalogPath(paths.dataDir),
  });
  const models = catalog.models.length > 0 ? catalog.models : [...MODEL_TABLE];
  return {
    v: 1,
    source: catalog.source,
    ...(catalog.reason === undefined ? {} : { reason: catalog.reason }),
    models,
  };
}

function describe(report: ModelsReport): string {
  const from = {
    backend: "the ChatGPT backend",
    cache: "the ChatGPT backend (cached)",
    table: "Pixir's built-in table",
  }[report.source];
  const width = Math.max(5, ...report.models.map((m) => m.slug.length));
  const lines = [
    `Models (from ${from})`,
    `  ${"MODEL".padEnd(width)}  ${"WINDOW".padStart(9)}  EFFORTS`,
    ...report.models.map((m) =>
      `  ${m.slug.padEnd(width)}  ${m.context_window.toLocaleString("en-US").padStart(9)}  ${
        m.efforts.join(", ")
      }`.trimEnd()
    ),
  ];
  return lines.join("\n") + "\n";
}
