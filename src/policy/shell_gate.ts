/**
 * The gate in front of the bash tool: every command gets an approval decision (recorded as a
 * `permission_decision` event), and an approved one runs inside the OS sandbox when the machine
 * has a working one, or directly with a one-time notice when it does not.
 */

import { decisionData, type PermissionDecisionData } from "./permission_decision.ts";
import type { ShellGate } from "../tools/bash.ts";
import { type ApprovalContext, decide, type Decision } from "./approval.ts";
import type { SandboxLayout } from "../sandbox/layout.ts";
import type { SafeInvocation } from "./safe_list.ts";
import { trustedSearchPath } from "./search_path.ts";
import { gitIncludeScreen, type RunProgram } from "./git_includes.ts";
import { sandboxLauncher, type SandboxStatus } from "../sandbox/os_sandbox.ts";

/** What the gate needs; every effect is injected. */
export interface ShellGateOptions {
  approval: ApprovalContext;
  /** Records a decision (the session log and the renderers). */
  record(decision: PermissionDecisionData): Promise<void>;
  /** The OS sandbox status; the caller probes once and caches. */
  sandbox(): Promise<SandboxStatus>;
  layout: SandboxLayout;
  /** Tells the user something once (stderr). */
  notice(message: string): Promise<void>;
  /** Pixir's PATH, where safe-list programs are looked up (minus folders the model can fill). */
  searchPath?: string;
  /** Runs `git config` for the include screen (`git_includes.ts`); injected by tests. */
  runProgram?: RunProgram;
}

/** A ShellGate applying the policy and the OS sandbox. */
export function createShellGate(options: ShellGateOptions): ShellGate {
  let noticed = false;
  const searchPath = trustedPathOf(options);
  const approval = {
    ...options.approval,
    screen: gitIncludeScreen(options.layout.workspace, searchPath, options.runProgram),
  };
  return async (command, ctx) => {
    const decision = await decide(command, approval, ctx.signal);
    await options.record(shellDecisionData(decision, command, ctx.callId));
    if (!decision.allow) {
      const message = decision.userReason
        ? `${decision.reason} Their reason: ${decision.userReason}`
        : decision.reason;
      return {
        ok: false,
        error: {
          kind: "denied",
          message,
          details: {
            command,
            source: decision.source,
            ...(decision.userReason ? { user_reason: decision.userReason } : {}),
          },
        },
      };
    }
    // A safe-list line runs as the argv that was judged, without a shell; anything else as typed.
    const invocation = decision.invocation === undefined
      ? { kind: "shell" as const }
      : withSearchPath(decision.invocation, searchPath);
    const status = await options.sandbox();
    if (status.active) {
      return { ok: true, launcher: sandboxLauncher(status, options.layout), invocation };
    }
    if (!noticed) {
      noticed = true;
      // A flag Pixir cannot enforce is named, never implied by a general line.
      const unenforced = options.layout.net
        ? ""
        : "; --deny-net is not enforced: without a sandbox, shell commands can still open network connections";
      await options.notice(
        `shell commands run without an OS sandbox: ${status.reason}${unenforced}`,
      );
    }
    return { ok: true, launcher: [], invocation };
  };
}

/** A safe-list argv that finds its program only where the model cannot have planted one. */
function withSearchPath(invocation: SafeInvocation, PATH: string | undefined): SafeInvocation {
  return PATH === undefined ? invocation : { ...invocation, env: { ...invocation.env, PATH } };
}

/** Pixir's PATH without the entries the model could have filled, when Pixir has one. */
function trustedPathOf(options: ShellGateOptions): string | undefined {
  if (options.searchPath === undefined) return undefined;
  const { writable, workspace } = options.layout;
  return trustedSearchPath(options.searchPath, writable === "all" ? [] : [workspace, ...writable]);
}

/** The event data for a decision. */
function shellDecisionData(
  decision: Decision,
  command: string,
  callId: string | undefined,
): PermissionDecisionData {
  const base = {
    ...(callId === undefined ? {} : { call_id: callId }),
    tool: "bash",
    command,
    source: decision.source,
  };
  return decisionData(decision, base);
}
