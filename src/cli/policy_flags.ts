/**
 * The permission flags of `run` (and `chat`), in Deno's own vocabulary: `--allow-read[=PATHS]`,
 * `--allow-write[=PATHS]`, `--allow-run[=COMMANDS]`, `--allow-net`, `--deny-net`, `--read-only`
 * and `-A`/`--yolo`. `node:util` parseArgs cannot take optional values, so these flags are taken
 * out of argv first and the rest goes to parseArgs.
 */

import { CliFailure } from "./failure.ts";
import { type Grant, type PolicyPatch, resolvePolicyPath } from "../policy/policy.ts";

/** Help lines for the permission flags, shared by every command that takes them. */
export const POLICY_FLAGS_HELP =
  `      --allow-read[=PATHS]     file tools may also read PATHS (comma-separated); bare: anything
      --allow-write[=PATHS]    file tools may also write PATHS; bare: anything
      --allow-run[=COMMANDS]   shell commands of these programs run without approval; bare: all
      --allow-mcp[=SERVERS]    MCP tools of these servers (or SERVER/TOOL) are called without
                               approval; bare: all
      --allow-net, --deny-net  network for shell commands (default: allowed; enforced by the
                               OS sandbox only)
      --read-only              no file is written; only read-only shell commands run
  -A, --yolo                   allow everything above
`;

/** The policy flags found in argv, and the other arguments in order. */
export interface SplitArgv {
  patch: PolicyPatch;
  rest: string[];
}

const GRANTS = {
  "--allow-read": "read",
  "--allow-write": "write",
  "--allow-run": "run",
  "--allow-mcp": "mcp",
} as const;

/**
 * Takes the policy flags out of `argv` (up to a `--`). Paths are resolved against `cwd`; command
 * names are kept as written. Contradictions are usage errors.
 */
export function splitPolicyFlags(command: string, argv: readonly string[], cwd: string): SplitArgv {
  const patch: { -readonly [K in keyof PolicyPatch]: PolicyPatch[K] } = {};
  const rest: string[] = [];
  let net: string | undefined;
  for (const [index, arg] of argv.entries()) {
    if (arg === "--") {
      rest.push(...argv.slice(index));
      break;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (Object.hasOwn(GRANTS, name) && name.startsWith("--allow-")) {
      const key = GRANTS[name as keyof typeof GRANTS];
      const grant = eq < 0 ? "all" : parseList(command, name, arg.slice(eq + 1), key, cwd);
      patch[key] = joinFlag(patch[key], grant);
    } else if (arg === "--allow-net" || arg === "--deny-net") {
      if (net !== undefined && net !== arg) {
        throw new CliFailure(
          "usage",
          `${command}: --allow-net and --deny-net contradict each other`,
        );
      }
      net = arg;
      patch.net = arg === "--allow-net";
    } else if (arg === "--read-only") {
      patch.readOnly = true;
    } else if (arg === "-A" || arg === "--yolo") {
      patch.all = true;
    } else {
      rest.push(arg);
    }
  }
  if (patch.readOnly && (patch.all || patch.write !== undefined)) {
    throw new CliFailure(
      "usage",
      `${command}: --read-only cannot be combined with ${
        patch.all ? "-A/--yolo" : "--allow-write"
      }`,
    );
  }
  return { patch, rest };
}

function parseList(
  command: string,
  flag: string,
  value: string,
  key: "read" | "write" | "run" | "mcp",
  cwd: string,
): string[] {
  const items = value.split(",").map((item) => item.trim()).filter((item) => item !== "");
  if (items.length === 0) {
    throw new CliFailure("usage", `${command}: ${flag}= needs a value (or no "=" to allow all)`);
  }
  return key === "run" || key === "mcp" ? items : items.map((path) => resolvePolicyPath(path, cwd));
}

function joinFlag(previous: Grant | undefined, next: Grant): Grant {
  if (previous === undefined) return next;
  if (previous === "all" || next === "all") return "all";
  return [...previous, ...next];
}
