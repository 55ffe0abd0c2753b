/**
 * Run settings: the resolved configuration (see resolver.ts for precedence), and the shortcut that
 * reads them from the environment alone, as a run without a config file does.
 */

import type { ReasoningEffort } from "../provider/request.ts";
import { EFFORTS } from "./config_schema.ts";
import { resolveConfig, type Settings } from "./resolver.ts";
import { SettingsError } from "./settings_error.ts";

export { EFFORTS } from "./config_schema.ts";
export { DEFAULT_MODEL, type Settings } from "./resolver.ts";
export { SettingsError } from "./settings_error.ts";

/** Reads and validates settings from environment variables alone (no file, no flags). */
export function loadSettings(env: (name: string) => string | undefined): Settings {
  return resolveConfig({ env }).settings;
}

/** Parses a reasoning effort, naming where it came from when it is not one. */
export function parseEffort(value: string, source: string): ReasoningEffort {
  const effort = EFFORTS.find((e) => e === value.trim());
  if (!effort) {
    throw new SettingsError(`${source}: "${value}" is not one of ${EFFORTS.join(", ")}`);
  }
  return effort;
}
