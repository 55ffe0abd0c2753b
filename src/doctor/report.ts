/**
 * `pixir doctor`'s report: every check in a fixed order (runtime, settings, permissions, folders,
 * sign-in, sandbox layers, network), gathered from injected effects so tests can drive each path.
 */

import { check, type CheckResult, hasErrors } from "./check.ts";
import { authCheck } from "./auth.ts";
import { type Endpoint, endpointChecks, type ProbeDeps } from "./reachability.ts";
import { pathChecks } from "./paths.ts";
import { permissionChecks, type PermissionQuery } from "./permissions.ts";
import { sandboxChecks, type SandboxLayer } from "./sandbox.ts";
import { mcpChecks } from "./mcp.ts";
import { configDirIfAny, NoHomeError, pixirPaths } from "../config/paths.ts";
import type { PermissionSet } from "../config/permission_set.ts";
import { type Settings, SettingsError } from "../config/settings.ts";
import { type ConfigFile, readConfigFile, userConfigPath } from "../config/config_file.ts";
import { resolveConfig } from "../config/resolver.ts";

/** The machine Pixir runs on. */
export interface Platform {
  os: typeof Deno.build.os;
  arch: typeof Deno.build.arch;
  /** The target triple, e.g. "x86_64-unknown-linux-gnu". */
  target: string;
  /** The Deno runtime version inside Pixir. */
  deno: string;
}

/** The JSON of `pixir doctor --json` (version 1). */
export interface DoctorReport {
  v: 1;
  /** False exactly when a check is an error (and doctor exits 1). */
  ok: boolean;
  version: string;
  platform: Platform;
  checks: CheckResult[];
}

/** Everything doctor looks at, passed in. */
export interface DoctorDeps extends ProbeDeps {
  version: string;
  platform: Platform;
  env(name: string): string | undefined;
  /** The permissions Pixir is built with. */
  permissions: PermissionSet;
  queryPermission: PermissionQuery;
  sandboxLayers: readonly SandboxLayer[];
  /** Skip the network checks. */
  offline: boolean;
  /** The working directory MCP servers start in. */
  cwd: string;
}

/** Runs every check. */
export async function doctorReport(deps: DoctorDeps): Promise<DoctorReport> {
  const { platform } = deps;
  const checks: CheckResult[] = [
    check(
      "runtime",
      "runtime",
      "ok",
      `pixir ${deps.version} on ${platform.os} ${platform.arch} (deno ${platform.deno})`,
      { details: { version: deps.version, ...platform } },
    ),
  ];
  const settings = await settingsCheck(deps);
  checks.push(settings.result);
  checks.push(...await permissionChecks(deps.permissions, deps.queryPermission));
  const folderAndAuth = await folderAndAuthChecks(deps);
  checks.push(...folderAndAuth);
  checks.push(...await sandboxChecks(deps.sandboxLayers));
  if (settings.value) {
    const method = folderAndAuth.find((c) => c.id === "auth")?.details?.method;
    const active = method === "chatgpt" || method === "api_key" ? method : null;
    checks.push(...await endpointChecks(endpoints(settings.value, active), deps, deps.offline));
    checks.push(
      ...await mcpChecks(settings.value.mcpServers, {
        env: deps.env,
        cwd: deps.cwd,
        fetch: deps.fetch,
        configDir: configDirIfAny(deps.env, deps.platform.os),
      }),
    );
  }
  return { v: 1, ok: !hasErrors(checks), version: deps.version, platform, checks };
}

/** The settings as a run resolves them without flags: config.toml, then the environment. */
async function settingsCheck(deps: DoctorDeps): Promise<{ result: CheckResult; value?: Settings }> {
  try {
    const file = await userConfigFile(deps);
    const value = resolveConfig({ env: deps.env, userFile: file }).settings;
    const provider = value.provider === undefined ? "" : `, provider ${value.provider.id}`;
    const from = file === null ? "" : ` (with ${file.path})`;
    return {
      value,
      result: check(
        "settings",
        "runtime",
        file !== null && file.unknown.length > 0 ? "warn" : "ok",
        `model ${value.model}, effort ${value.effort}${provider}${from}`,
        file !== null && file.unknown.length > 0
          ? { fix: `unknown keys: ${file.unknown.join(", ")}` }
          : {},
      ),
    };
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return {
      result: check("settings", "runtime", "error", error.message, {
        fix: "correct config.toml at the line named, or unset that environment variable",
      }),
    };
  }
}

/** The user's config.toml, or null without one (or without a folder to hold it). */
async function userConfigFile(deps: DoctorDeps): Promise<ConfigFile | null> {
  try {
    const paths = pixirPaths({
      env: deps.env,
      os: deps.platform.os,
      home: deps.env("HOME") ?? deps.env("USERPROFILE"),
    });
    return await readConfigFile(userConfigPath(paths.configDir));
  } catch (error) {
    if (error instanceof NoHomeError) return null;
    throw error;
  }
}

async function folderAndAuthChecks(deps: DoctorDeps): Promise<CheckResult[]> {
  let paths;
  try {
    paths = pixirPaths({
      env: deps.env,
      os: deps.platform.os,
      home: deps.env("HOME") ?? deps.env("USERPROFILE"),
    });
  } catch (error) {
    if (!(error instanceof NoHomeError)) throw error;
    return [
      check("path.config", "paths", "error", error.message, { fix: "set PIXIR_HOME" }),
      check("auth", "auth", "skip", "no config folder to read the sign-in from"),
    ];
  }
  return [...await pathChecks(paths), await authCheck(paths.configDir, deps.env)];
}

/**
 * The endpoints a run or a login may talk to, each marked used when the active credential needs
 * it: a ChatGPT sign-in the issuer (refresh) and the backend, an API key the Responses API, and
 * nobody signed in the issuer (to sign in).
 */
function endpoints(settings: Settings, active: "chatgpt" | "api_key" | null): Endpoint[] {
  return [
    {
      id: "auth_issuer",
      variable: "PIXIR_AUTH_ISSUER",
      url: settings.authIssuer,
      used: active !== "api_key",
    },
    {
      id: "chatgpt",
      variable: "PIXIR_CHATGPT_BASE_URL",
      url: settings.chatgptBaseUrl,
      used: active === "chatgpt",
    },
    {
      id: "openai",
      variable: "OPENAI_BASE_URL",
      url: settings.openaiBaseUrl,
      used: active === "api_key",
    },
  ];
}
