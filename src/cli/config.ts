/** `pixir config`: the effective settings and where each came from; `pixir config path`. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import {
  CONFIG_FLAGS,
  configFlagsHelp,
  configFrom,
  pathsFrom,
  resolveWorkspace,
} from "./inputs.ts";
import { userConfigPath } from "../config/config_file.ts";
import { type ConfigEntry, describeOrigin, type Origin } from "../config/resolver.ts";

const FLAGS = {
  json: { type: "boolean" },
  model: { type: "string", short: "m" },
  effort: { type: "string" },
  cwd: { type: "string", short: "C" },
  ...CONFIG_FLAGS,
} as const;

/** The JSON of `pixir config --json` (version 1). */
export interface ConfigReport {
  v: 1;
  /** The user's config.toml and whether it exists. */
  file: { path: string; exists: boolean };
  /** The project's `.pixir/config.toml`, when the workspace has one. */
  project: { path: string; root: string; trusted: boolean } | null;
  profile: string | null;
  /** The provider requests go to; null: chosen by the credential (chatgpt or openai). */
  provider: string | null;
  /** Every effective setting by dotted key. */
  settings: Record<string, { value: unknown; origin: Origin; from: string }>;
}

/** The `config` command. */
export const configCommand: Command = {
  name: "config",
  summary: "show the effective settings and where each came from",
  help: `Usage: pixir config [flags]
       pixir config path

Shows every effective setting — model, effort, provider, limits, and each provider's base_url,
env_key and request fields — with where it came from: a flag, -c, an environment variable, the
selected profile, a config file (with its line), or Pixir's default. Precedence, highest first:
flags > -c > environment > profile > project .pixir/config.toml (trusted only) > config.toml >
defaults. \`pixir config path\` prints where config.toml is read from. Header values are masked.

Flags:
      --json           print one JSON object: {v, file, project, profile, provider, settings:
                       {KEY: {value, origin, from}}}
  -m, --model MODEL    as \`pixir run\` would take it
      --effort EFFORT  as \`pixir run\` would take it
  -C, --cwd DIR        the workspace whose project config to show (default: the current directory)
${configFlagsHelp()}  -h, --help           show this help

Examples:
  pixir config
  pixir config --profile fast -c model_reasoning_effort=high --json
  $EDITOR "$(pixir config path)"
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(configCommand, argv, FLAGS, { max: 1 });
    const paths = pathsFrom(io);
    const file = userConfigPath(paths.configDir);
    if (positionals[0] === "path" && positionals.length === 1) {
      await io.stdout.write(`${file}\n`);
      return EXIT.ok;
    }
    if (positionals.length > 0) {
      throw new CliFailure("usage", `config: unknown argument "${positionals[0]}"`, {
        hint: "pixir config [--json]  or  pixir config path",
      });
    }
    const workspace = await resolveWorkspace(values.cwd ?? ".", io.cwd);
    const config = await configFrom(io, values, workspace);
    const report: ConfigReport = {
      v: 1,
      file: { path: file, exists: await exists(file) },
      project: config.project === undefined || config.project.kind === "none" ? null : {
        path: config.project.kind === "trusted" ? config.project.file.path : config.project.path,
        root: config.project.root,
        trusted: config.project.kind === "trusted",
      },
      profile: config.settings.profile ?? null,
      provider: config.settings.provider?.id ?? null,
      settings: Object.fromEntries(
        ordered(config.entries).map((entry) => [entry.key, {
          value: shownValue(entry),
          origin: entry.origin,
          from: describeOrigin(entry.origin),
        }]),
      ),
    };
    await io.stdout.write(values.json ? JSON.stringify(report) + "\n" : describe(report));
    return EXIT.ok;
  },
};

/** Top-level settings first, then each provider's, then MCP servers. */
function ordered(entries: readonly ConfigEntry[]): ConfigEntry[] {
  const rank = (key: string) =>
    key.startsWith("model_providers.") ? 1 : key.startsWith("mcp_servers.") ? 2 : 0;
  return [...entries].sort((a, b) => rank(a.key) - rank(b.key));
}

/** The value as shown: header values are often credentials, so they are masked. */
function shownValue(entry: ConfigEntry): unknown {
  return /^model_providers\.[^.]+\.http_headers\./.test(entry.key) ? "(set)" : entry.value;
}

function describe(report: ConfigReport): string {
  const lines = [
    `Config file: ${report.file.path}${report.file.exists ? "" : " (none)"}`,
  ];
  if (report.project) {
    lines.push(
      `Project config: ${report.project.path} (${
        report.project.trusted ? "trusted" : "not trusted: not read; run `pixir trust` to read it"
      })`,
    );
  }
  lines.push(`Profile: ${report.profile ?? "(none)"}`);
  lines.push(
    `Provider: ${
      report.provider ?? "(chosen by the credential: chatgpt when signed in, else openai)"
    }`,
    "",
  );
  const rows = Object.entries(report.settings).map(([key, { value, from }]) =>
    [key, typeof value === "string" ? value : JSON.stringify(value), from] as const
  );
  const keyWidth = Math.max(...rows.map(([key]) => key.length));
  const valueWidth = Math.min(48, Math.max(...rows.map(([, value]) => value.length)));
  for (const [key, value, from] of rows) {
    lines.push(`${key.padEnd(keyWidth)}  ${value.padEnd(valueWidth)}  ${from}`.trimEnd());
  }
  return lines.join("\n") + "\n";
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
