/**
 * The sandbox checks of `pixir doctor`: which of Pixir's security layers (see the README's
 * "Security model") are active on this machine for this workspace. Each layer is a named probe
 * that exercises the layer (a file tool call in the Worker, `true` in the OS sandbox) rather than
 * assuming it.
 */

import { check, type CheckResult } from "./check.ts";
import type { SandboxStatus } from "../sandbox/os_sandbox.ts";
import type { ConfinementProbe } from "../tools/confined_file.ts";

/** One security layer and how to tell whether it is active. */
export interface SandboxLayer {
  /** Stable identifier, e.g. "workspace". */
  id: string;
  probe(): Promise<CheckResult>;
}

/** What starting the file tools' Worker and calling it once showed. */
export type WorkerProbe =
  | { started: true; readRoots: number; writeRoots: number; sandboxed: boolean }
  | { started: false; reason: string };

/**
 * Layer 1: workspace confinement of the file tools, probed by catching a symlinked folder in a
 * scratch folder and by starting the file tools (in the bubblewrap child where it works). It says
 * what it does not cover.
 */
export function confinementLayer(
  probe: () => Promise<ConfinementProbe & { sandboxed: boolean }>,
  timeoutMs: number,
): SandboxLayer {
  return {
    id: "workspace",
    async probe() {
      const result = await probe();
      const limit = `each call is stopped after ${timeoutMs / 1000} s (PIXIR_TOOL_TIMEOUT_MS)`;
      const notCovered = "not covered: a file someone else hardlinked into the workspace reads " +
        "like a workspace file";
      const details = {
        mechanism: result.sandboxed ? "bubblewrap_child" : "verify_after_open",
        pinning: result.pinning,
        identities: result.identities,
        timeout_ms: timeoutMs,
      };
      if (!result.pinning) {
        return check(
          "sandbox.workspace",
          "sandbox",
          "error",
          "layer 1, workspace confinement: a folder swapped for a symlink is not caught here",
          { details, fix: "report this platform; meanwhile use --read-only and review writes" },
        );
      }
      if (!result.identities) {
        return check(
          "sandbox.workspace",
          "sandbox",
          "warn",
          `layer 1, workspace confinement: folders pinned, but files have no inode identities here, so opened files are not checked by handle and a hardlink to Pixir's files is not recognised; ${limit}`,
          { details },
        );
      }
      if (!result.sandboxed) {
        return check(
          "sandbox.workspace",
          "sandbox",
          "warn",
          `layer 1, workspace confinement: verify-after-open only (bubblewrap does not run here): folders pinned and re-checked, opened files checked by handle, Pixir's own files refused by inode; not covered: a folder swap timed between the checks and the use can leave a temp file in, or rename the written file into, the swapped-in folder, or read a file there that is not Pixir's; ${limit}; ${notCovered}`,
          { details },
        );
      }
      return check(
        "sandbox.workspace",
        "sandbox",
        "ok",
        `layer 1, workspace confinement: race-free — the file tools run in a bubblewrap child that sees only the granted roots and the system's programs (Pixir's folders are not there), and inside it verify-after-open checks every file (handle identity, Pixir's own files by inode, no FIFOs, sockets or devices); ${limit}; ${notCovered}`,
        { details },
      );
    },
  };
}

/** Layer 2: the file tools' permission-scoped Worker, probed by one call. */
export function workerLayer(probe: () => Promise<WorkerProbe>): SandboxLayer {
  return {
    id: "worker",
    async probe() {
      const result = await probe();
      return result.started
        ? check(
          "sandbox.worker",
          "sandbox",
          "ok",
          `layer 2, Deno permissions: file tools run in ${
            result.sandboxed ? "a child process" : "a Worker"
          } that may read ${result.readRoots} and write ${result.writeRoots} path(s), with no net, env, run, sys or ffi`,
          { details: { read_roots: result.readRoots, write_roots: result.writeRoots } },
        )
        : check(
          "sandbox.worker",
          "sandbox",
          "error",
          `layer 2, Deno permissions: the file tool Worker does not start: ${result.reason}`,
          {
            fix: "run Pixir with the permission set it is built with (scripts/pixir or the binary)",
          },
        );
    },
  };
}

/** Layer 3: shell approval; without a terminal nobody is asked and nothing waits. */
export function approvalLayer(interactive: boolean): SandboxLayer {
  return {
    id: "approval",
    probe: () =>
      Promise.resolve(check(
        "sandbox.approval",
        "sandbox",
        "ok",
        interactive
          ? "layer 3, shell approval: commands off the safe list are asked about at this terminal"
          : "layer 3, shell approval: commands off the safe list are denied unless a flag or a saved rule allows them (no terminal to ask)",
      )),
  };
}

/** Layer 3b: the OS sandbox around shell commands, when the machine has a working one. */
export function osSandboxLayer(probe: () => Promise<SandboxStatus>): SandboxLayer {
  return {
    id: "os_sandbox",
    async probe() {
      const status = await probe();
      return status.active
        ? check(
          "sandbox.os",
          "sandbox",
          "ok",
          `OS sandbox: shell commands run in ${status.kind} (${status.program})`,
        )
        : check(
          "sandbox.os",
          "sandbox",
          "warn",
          `OS sandbox: none, shell commands run without one: ${status.reason}`,
          {
            fix:
              "install bubblewrap (Linux) where user namespaces are allowed; approval still applies",
          },
        );
    },
  };
}

/** Probes every layer, in order. */
export async function sandboxChecks(layers: readonly SandboxLayer[]): Promise<CheckResult[]> {
  // One after another: the confinement probe and the Worker both move the process's current
  // directory while they run.
  const results: CheckResult[] = [];
  for (const layer of layers) results.push(await layer.probe());
  return results;
}
