/**
 * The run's permission policy in Deno's vocabulary: extra paths to read and write, commands that
 * run without asking, network for shell commands, read-only mode. Flags and the saved project
 * policy are both partial policies, merged over the default.
 */

import { isAbsolute, resolve } from "node:path";
import type { FileAccess } from "../tools/tool.ts";

/** Everything, or a list of paths (or of command names, for `run`). */
export type Grant = "all" | readonly string[];

/** The complete policy of a run. */
export interface Policy {
  /** Readable beyond the workspace. */
  read: Grant;
  /** Writable beyond the workspace. */
  write: Grant;
  /** Programs whose commands run without approval (beyond the safe list). */
  run: Grant;
  /** MCP servers (`SERVER`) and tools (`SERVER/TOOL`) called without approval. */
  mcp: Grant;
  /** Whether shell commands may use the network (enforced only by an OS sandbox). */
  net: boolean;
  /** Nothing is written by file tools; only safe-list shell commands run. */
  readOnly: boolean;
}

/** A partial policy: what flags or a saved project policy say, each field optional. */
export interface PolicyPatch {
  read?: Grant;
  write?: Grant;
  run?: Grant;
  mcp?: Grant;
  net?: boolean;
  readOnly?: boolean;
  /** `-A`/`--yolo`: every grant, network on, read-only off. */
  all?: boolean;
}

/** The default: the workspace only, no extra commands, network on, writes allowed. */
export const DEFAULT_POLICY: Policy = {
  read: [],
  write: [],
  run: [],
  mcp: [],
  net: true,
  readOnly: false,
};

/** A patch that cannot be applied: contradictory settings. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyError";
  }
}

/**
 * Applies `patches` in order over `base`: grants accumulate (a list joins a list, "all" wins),
 * `net` and `readOnly` are overridden by the last patch that sets them.
 */
export function mergePolicy(base: Policy, ...patches: readonly PolicyPatch[]): Policy {
  let policy = base;
  for (const patch of patches) {
    if (patch.all) {
      policy = { read: "all", write: "all", run: "all", mcp: "all", net: true, readOnly: false };
      continue;
    }
    policy = {
      read: joinGrant(policy.read, patch.read),
      write: joinGrant(policy.write, patch.write),
      run: joinGrant(policy.run, patch.run),
      mcp: joinGrant(policy.mcp, patch.mcp),
      net: patch.net ?? policy.net,
      readOnly: patch.readOnly ?? policy.readOnly,
    };
  }
  if (policy.readOnly && (policy.write === "all" || policy.write.length > 0)) {
    throw new PolicyError("--read-only cannot be combined with --allow-write");
  }
  return policy;
}

function joinGrant(base: Grant, extra: Grant | undefined): Grant {
  if (extra === undefined) return base;
  if (base === "all" || extra === "all") return "all";
  return [...new Set([...base, ...extra])];
}

/** The filesystem root the "all" grant stands for. */
const FILESYSTEM_ROOT = "/";

/**
 * What file tools may touch under `policy`: the workspace (real path) plus the granted paths (real
 * paths), never `hidden` (Pixir's own folders).
 */
export function fileAccess(
  policy: Policy,
  workspace: string,
  hidden: readonly string[],
): FileAccess {
  const roots = (grant: Grant) => grant === "all" ? [FILESYSTEM_ROOT] : [workspace, ...grant];
  return {
    read: roots(policy.read),
    write: policy.readOnly ? [] : roots(policy.write),
    hidden,
  };
}

/** The policy in flag form, for messages and `pixir doctor`: `--allow-run=git,npm --deny-net`. */
export function describePolicy(policy: Policy): string[] {
  const grant = (flag: string, g: Grant) =>
    g === "all" ? [flag] : g.length > 0 ? [`${flag}=${g.join(",")}`] : [];
  return [
    ...grant("--allow-read", policy.read),
    ...grant("--allow-write", policy.write),
    ...grant("--allow-run", policy.run),
    ...grant("--allow-mcp", policy.mcp),
    policy.net ? "--allow-net" : "--deny-net",
    ...(policy.readOnly ? ["--read-only"] : []),
  ];
}

/** A path of a policy (flag or saved) as an absolute path, relative ones against `base`. */
export function resolvePolicyPath(path: string, base: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(base, path);
}
