/**
 * `pixir models`: the models Pixir can use, with their context windows and reasoning efforts — the
 * ChatGPT backend's list for a subscription (cached a day), a provider's own `GET /models` for
 * other providers, else Pixir's built-in table.
 */

import { textFor } from "../ui/terminal_text.ts";
import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { Failure } from "../app/failure.ts";
import type { Io } from "../util/io.ts";
import {
  CONFIG_FLAGS,
  configFlagsHelp,
  credentialsFrom,
  pathsFrom,
  type SettingFlagValues,
  settingsFrom,
} from "./inputs.ts";
import { type RunCredentials, userAgent } from "../app/turn_wiring.ts";
import { type Catalog, modelCatalog, modelCatalogPath } from "../provider/model_catalog.ts";
import { MODEL_TABLE, type ModelInfo, modelInfo } from "../provider/models.ts";
import { listProviderModels } from "../provider/provider_models.ts";
import type { Credential } from "../auth/credential.ts";
import { VERSION } from "../version.ts";

const FLAGS = { json: { type: "boolean" }, auth: { type: "string" }, ...CONFIG_FLAGS } as const;

/** How long a provider may take to list its models. */
const LIST_TIMEOUT_MS = 15_000;

/** The JSON of `pixir models --json` (version 1). */
export interface ModelsReport {
  v: 1;
  /**
   * "backend" (the ChatGPT backend, just fetched), "cache" (fetched earlier), "table" (built in)
   * or "provider" (the provider's `GET /models`).
   */
  source: Catalog["source"] | "provider";
  /** The provider listed, for "provider". */
  provider?: string;
  /** Why a fresher source was not used, when one was tried. */
  reason?: string;
  models: ModelInfo[];
}

/** The `models` command. */
export const modelsCommand: Command = {
  name: "models",
  summary: "list the models with their context windows and reasoning efforts",
  help: `Usage: pixir models [--json] [--auth KIND] [--provider NAME]

Lists the models Pixir knows, each with its context window (the most input tokens a request may
carry) and the reasoning efforts it accepts. Signed in with ChatGPT, the list is the backend's own,
kept for a day in Pixir's data folder; otherwise, or when the backend cannot be reached, it is
Pixir's built-in table. A model in neither is counted with a 128 000-token window (or the
provider's model_context_window). With another provider (--provider, or model_provider in
config.toml), the list is that server's own GET <base_url>/models.

Flags:
      --auth KIND      subscription or api-key (default: as \`pixir run\` chooses)
${configFlagsHelp()}
      --json           print one JSON object: {v, source, reason?, models: [{slug, context_window,
                       efforts}]}
  -h, --help           show this help

Example:
  pixir models --json | jq -r '.models[] | "\\(.slug) \\(.context_window)"'
`,
  async run(argv, io) {
    const { values } = parseFlags("models", argv, FLAGS);
    const report = await modelsReport(io, values.auth, values);
    // Model names come from the backend's list: on a terminal they are shown, never obeyed.
    await io.stdout.write(
      values.json ? JSON.stringify(report) + "\n" : textFor(io.stdout, describe(report)),
    );
    return EXIT.ok;
  },
};

async function modelsReport(
  io: Io,
  auth: string | undefined,
  flags: SettingFlagValues,
): Promise<ModelsReport> {
  const paths = pathsFrom(io);
  const settings = await settingsFrom(io, flags);
  const listed = settings.provider;
  if (listed !== undefined && listed.id !== "chatgpt" && listed.id !== "openai") {
    return await providerReport(io, await credentialsFrom(io, auth, paths, settings));
  }
  let credential: Credential;
  try {
    credential = await (await credentialsFrom(io, auth, paths, settings)).provider.get();
  } catch (error) {
    // Without a usable sign-in the built-in table is still an answer.
    if (error instanceof Failure && error.kind !== "usage") {
      return { v: 1, source: "table", reason: error.message, models: [...MODEL_TABLE] };
    }
    throw error;
  }
  if (credential.kind !== "chatgpt") return { v: 1, source: "table", models: [...MODEL_TABLE] };
  const catalog = await modelCatalog({
    fetch: io.fetch,
    now: io.now,
    credential,
    endpoint: settings.providers.chatgpt,
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

/** The provider's own list, each model with the window Pixir would count it with. */
async function providerReport(io: Io, credentials: RunCredentials): Promise<ModelsReport> {
  const provider = credentials.modelProvider;
  const listed = await listProviderModels({
    fetch: io.fetch,
    credential: await credentials.provider.get(),
    endpoint: provider,
    userAgent: userAgent(io.os),
    timeoutMs: LIST_TIMEOUT_MS,
  });
  if (!listed.ok) {
    throw new CliFailure("provider", `cannot list the models of ${provider.id}: ${listed.reason}`, {
      details: { url: listed.url },
      hint: `is the server running at ${provider.baseUrl}? (base_url of ${provider.id})`,
    });
  }
  const known = (slug: string) => MODEL_TABLE.some((m) => m.slug === slug);
  const models = listed.ids.map((slug) => {
    const info = modelInfo(slug);
    return provider.contextWindow !== undefined && !known(slug)
      ? { ...info, context_window: provider.contextWindow }
      : info;
  });
  return { v: 1, source: "provider", provider: provider.id, models };
}

function describe(report: ModelsReport): string {
  const from = {
    backend: "the ChatGPT backend",
    cache: "the ChatGPT backend (cached)",
    table: "Pixir's built-in table",
    provider: `provider ${report.provider}`,
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
