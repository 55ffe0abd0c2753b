/**
 * The permissions of one run, wired into its tools: the saved project policy and the flags are
 * merged, file tools get a Worker scoped to it, and the bash tool gets the approval gate (asking a
 * person the way the front end does, if it can) and the OS sandbox.
 */

import { timedAsk } from "../policy/timed_ask.ts";
import type { Io } from "../util/io.ts";
import { Failure } from "./failure.ts";
import type { Envelope } from "../agent/event.ts";
import type { PermissionDecisionData } from "../policy/permission_decision.ts";
import type { Session } from "../agent/session.ts";
import { fileSnapshots } from "../agent/file_snapshots.ts";
import { undoableTools } from "../agent/undoable_tools.ts";
import type { PixirPaths } from "../config/paths.ts";
import {
  addMcpRule,
  addRules,
  loadPermissions,
  migratePermissions,
  PermissionsFileError,
  permissionsFilePath,
  permissionsOf,
} from "../config/permissions_file.ts";
import type { Ask } from "../policy/approval.ts";
import {
  DEFAULT_POLICY,
  fileAccess,
  type Grant,
  mergePolicy,
  type Policy,
  PolicyError,
  type PolicyPatch,
  resolvePolicyPath,
} from "../policy/policy.ts";
import { createShellGate } from "../policy/shell_gate.ts";
import { createMcpGate } from "../mcp/mcp_gate.ts";
import { type McpServers, mcpTools } from "../mcp/mcp_servers.ts";
import { createHiddenFolders } from "../sandbox/hidden_folders.ts";
import type { SandboxStatus } from "../sandbox/os_sandbox.ts";
import type { SandboxLayout } from "../sandbox/layout.ts";
import { FileToolWorker, startDenoWorker } from "../tools/file_worker.ts";
import { currentRuntime, sandboxedStarter } from "./file_tools_child.ts";
import { pixirFileKeys } from "../tools/pixir_files.ts";
import { HIDDEN_VARIABLES } from "../tools/shell.ts";
import { defaultTools } from "../tools/registry.ts";
import type { Tool } from "../tools/tool.ts";

/** The policy of a run and where its saved part came from. */
export interface RunPolicy {
  policy: Policy;
  /**
   * Saved "always" rules for this workspace; an "always" answer adds to it, so later turns of
   * the same process (a chat) are not asked again.
   */
  rules: string[];
  /** Saved "always" MCP rules (`SERVER/TOOL`) for this workspace; an "always" answer adds to it. */
  mcpRules: string[];
  /** Pixir's own folders, hidden from every tool. */
  hidden: string[];

  permissionsFile: string;
}

/**
 * Merges the saved policy of `workspace` and the flags' `patch`; bad files and contradictions are
 * usage errors. With `warn`, a permissions file of an earlier version is written back in the
 * current one first, and `warn` says which of its rules are no longer applied.
 */
export async function runPolicy(
  paths: PixirPaths,
  workspace: string,
  patch: PolicyPatch,
  warn?: (message: string) => void | Promise<void>,
): Promise<RunPolicy> {
  const permissionsFile = permissionsFilePath(paths);
  try {
    if (warn !== undefined) {
      const migrated = await migratePermissions(permissionsFile);
      if (migrated !== null) await warn(migrated);
    }
    const saved = permissionsOf(await loadPermissions(permissionsFile), workspace);
    const merged = mergePolicy(DEFAULT_POLICY, inWorkspace(saved.policy, workspace), patch);
    // Tools compare real paths, so a granted symlink is granted where it leads too (and as
    // written, so the Worker may resolve it).
    const policy = {
      ...merged,
      read: await realGrant(merged.read),
      write: await realGrant(merged.write),
    };
    const [configDir, dataDir] = await Promise.all(
      [paths.configDir, paths.dataDir].map(realPathOrSelf),
    );
    return {
      policy,
      rules: saved.always,
      mcpRules: [...saved.alwaysMcp ?? []],
      hidden: [...new Set([configDir, dataDir])],
      permissionsFile,
    };
  } catch (error) {
    if (error instanceof PermissionsFileError || error instanceof PolicyError) {
      throw new Failure("usage", error.message);
    }
    throw error;
  }
}

/** A saved policy's relative paths are relative to the workspace they were saved for. */
function inWorkspace(patch: PolicyPatch, workspace: string): PolicyPatch {
  const paths = (grant: Grant | undefined) =>
    grant === undefined || grant === "all"
      ? grant
      : grant.map((path) => resolvePolicyPath(path, workspace));
  return { ...patch, read: paths(patch.read), write: paths(patch.write) };
}

async function realGrant(grant: Grant): Promise<Grant> {
  if (grant === "all") return grant;
  const real = await Promise.all(grant.map(realPathOrSelf));
  return [...new Set([...grant, ...real])];
}

/** A folder's real path when it exists, else the path as given (nothing there to escape by). */
async function realPathOrSelf(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return path;
  }
}

/** The tools of a run under its policy; `close` stops their Worker. */
export interface GuardedTools {
  tools: Tool[];
  close(): void;
}

/** What wiring the tools needs beyond the policy. */
export interface GuardOptions {
  io: Io;
  workspace: string;
  session: Session;
  emit(envelope: Envelope): Promise<void>;
  /** The OS sandbox status, probed once per process by the caller. */
  sandbox(): Promise<SandboxStatus>;
  /**
   * How the front end asks a person about a command (a terminal question, the chat's prompt, an
   * editor's permission request); undefined: nobody is asked, so such commands are denied at once.
   */
  ask: Ask | undefined;
  /** Nobody is there: every question is denied at once (`--unattended`, `CI`). */
  unattended?: boolean;
  /** How long a question waits for an answer before it is denied; default: no limit. */
  askLimitMs?: number;
  /** Tells the user about the run's protection; default: a line on stderr. */
  notice?: (message: string) => void | Promise<void>;
  /** Time limit of one file tool call; default `DEFAULT_TOOL_TIMEOUT_MS`. */
  toolTimeoutMs?: number;
  /** The started MCP servers, whose tools join the others behind the MCP policy. */
  mcp?: McpServers;
}

/**
 * Builds the run's tools: file tools in a scoped Worker (write and edit keep what they change for
 * undo, from this side of the Worker, which cannot reach Pixir's data), bash behind the approval
 * gate.
 */
export async function guardedTools(run: RunPolicy, options: GuardOptions): Promise<GuardedTools> {
  const { io, workspace, session } = options;
  const access = fileAccess(run.policy, workspace, run.hidden);
  // Pixir's folders exist from here on (the layout creates them): a sandbox can cover only what
  // exists.
  const layout = await shellLayout(run, io, workspace);
  const worker = new FileToolWorker({
    workspace,
    access,
    pixirFiles: pixirFileKeys(run.hidden),
    timeoutMs: options.toolTimeoutMs,
    // In a bubblewrap child that sees only the roots where it works; else in the Worker.
    start: sandboxedStarter(
      { sandbox: options.sandbox, workspace, access, runtime: currentRuntime() },
      startDenoWorker,
    ),
  });
  const gate = createShellGate({
    approval: {
      policy: run.policy,
      rules: run.rules,
      ask: askOf(options),
      remember: async (prefixes) => {
        run.rules.push(...prefixes);
        await addRules(run.permissionsFile, workspace, prefixes);
      },
    },
    record: async (data: PermissionDecisionData) =>
      options.emit(await session.append({ type: "permission_decision", data })),
    sandbox: options.sandbox,
    layout,
    notice: async (message) => {
      if (options.notice) await options.notice(message);
      else await io.stderr.write(`pixir: ${message}\n`);
    },
    searchPath: io.env("PATH"),
  });
  const snapshots = fileSnapshots({ session, emit: options.emit });
  const builtIn = undoableTools(
    defaultTools({ fileWorker: worker, bash: { gate } }),
    snapshots,
    access,
    (path, maxBytes) => worker.priorState(path, maxBytes, new AbortController().signal),
  );
  const mcp = options.mcp === undefined ? [] : mcpTools(
    options.mcp,
    createMcpGate({
      approval: {
        readOnly: run.policy.readOnly,
        grant: run.policy.mcp,
        rules: run.mcpRules,
        ask: options.ask,
        remember: async (rule) => {
          run.mcpRules.push(rule);
          await addMcpRule(run.permissionsFile, workspace, rule);
        },
      },
      record: async (data) =>
        options.emit(await session.append({ type: "permission_decision", data })),
    }),
  );
  return { tools: [...builtIn, ...mcp], close: () => worker.close() };
}

/**
 * What the OS sandbox shows a shell command (and a project's hook): the workspace and the granted
 * roots writable, Pixir's folders hidden, the network as the policy says.
 */
export async function shellLayout(
  run: RunPolicy,
  io: Io,
  workspace: string,
): Promise<SandboxLayout> {
  const access = fileAccess(run.policy, workspace, run.hidden);
  return {
    workspace,
    writable: access.write.includes("/") ? "all" : [...access.write, tempDir(io)],
    hidden: await createHiddenFolders(run.hidden),
    net: run.policy.net,
    hiddenEnv: HIDDEN_VARIABLES,
  };
}

/** The temp dir shell commands may write to. */
function tempDir(io: Io): string {
  const tmp = io.env("TMPDIR");
  return tmp && tmp.trim() !== "" ? tmp : io.os === "darwin" ? "/private/tmp" : "/tmp";
}

/** The question to put, under its time limit; none when the run is unattended. */
function askOf(options: GuardOptions): Ask | undefined {
  if (options.unattended || options.ask === undefined) return undefined;
  if (options.askLimitMs === undefined) return options.ask;
  return timedAsk(options.ask, options.askLimitMs);
}
