/**
 * The sandbox check of `pixir doctor`: which of Pixir's security layers (see DESIGN.md) are active
 * on this machine. Each layer is a named probe, so layers that depend on the platform (permission-
 * scoped Workers, an OS sandbox for shell commands) add an entry here and report themselves.
 */

import { check, type CheckResult } from "./check.ts";

/** One security layer and how to tell whether it is active. */
export interface SandboxLayer {
  /** Stable identifier, e.g. "workspace". */
  id: string;
  probe(): Promise<CheckResult>;
}

/** The layers Pixir has, in the order DESIGN.md numbers them. */
export const SANDBOX_LAYERS: readonly SandboxLayer[] = [
  {
    id: "workspace",
    // Enforced by Pixir's own path resolution on every tool call; nothing to detect.
    probe: () =>
      Promise.resolve(
        check(
          "sandbox.workspace",
          "sandbox",
          "ok",
          "layer 1, workspace confinement: active (tool paths are resolved and kept inside the workspace)",
        ),
      ),
  },
];

/** Probes every layer. */
export function sandboxChecks(layers: readonly SandboxLayer[]): Promise<CheckResult[]> {
  return Promise.all(layers.map((layer) => layer.probe()));
}
