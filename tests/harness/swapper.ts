/**
 * An attacker for race tests: a process that keeps swapping the workspace folder `d` between the
 * real folder and a symlink to another folder, or a file between a harmless one and a hardlink,
 * each step an atomic rename.
 */

import assert from "node:assert/strict";
import { join } from "node:path";

/** A running swapper; `await using` stops it. */
export interface Swapper extends AsyncDisposable {
  /** Swap rounds done so far (written every 200 rounds). */
  swaps(): number;
}

/**
 * Starts a process that keeps swapping `<workspace>/d` between the real folder and a symlink to
 * `target`; resolves once it runs (within 30 s, for a loaded machine). When stopped it leaves the
 * real folder at `d` or `d.dir`, and the symlink at `d` or `d.link`.
 */
export function startSwapper(workspace: string, target: string): Promise<Swapper> {
  return startSwapping(workspace, FOLDER_SWAPS, [target]);
}

/**
 * Starts a process that keeps swapping the file `<workspace>/<name>` between the harmless file
 * there and `<workspace>/<hidden>` (a hardlink to one of Pixir's files, say), each step an atomic
 * rename; resolves once it runs. When stopped both files are back or at `<name>.safe`.
 */
export function startFileSwapper(
  workspace: string,
  name: string,
  hidden: string,
): Promise<Swapper> {
  return startSwapping(workspace, FILE_SWAPS, [name, hidden]);
}

/** The folder swaps: `d` ⇄ a symlink to the target (`args[0]`). */
const FOLDER_SWAPS = `
  const [target] = rest;
  Deno.symlinkSync(target, at("d.link"));
  const round = () => {
    step("d", "d.dir");
    step("d.link", "d");
    step("d", "d.link");
    step("d.dir", "d");
  };
`;

/** The file swaps: `args[0]` ⇄ `args[1]`. */
const FILE_SWAPS = `
  const [name, hidden] = rest;
  const round = () => {
    step(name, name + ".safe");
    step(hidden, name);
    step(name, hidden);
    step(name + ".safe", name);
  };
`;

/** Runs `swaps` (a script defining `round`) in a loop in its own process over `workspace`. */
async function startSwapping(workspace: string, swaps: string, args: string[]): Promise<Swapper> {
  const script = `
    const [ws, ...rest] = Deno.args;
    const at = (name) => ws + "/" + name;
    let n = 0;
    const step = (from, to) => {
      try {
        Deno.renameSync(at(from), at(to));
      } catch {
        // Pixir made a fresh entry in the gap (a write creates missing folders): move it aside.
        try { Deno.renameSync(at(to), at("stray." + n)); Deno.renameSync(at(from), at(to)); }
        catch { /* the next round tries again */ }
      }
    };
    ${swaps}
    for (;;) {
      round();
      if (++n % 200 === 0) Deno.writeTextFileSync(at("swaps"), String(n));
    }
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", script, workspace, ...args],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const swapper: Swapper = {
    swaps: () => {
      try {
        return Number(Deno.readTextFileSync(join(workspace, "swaps")));
      } catch {
        return 0;
      }
    },
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already ended; its status says how.
      }
      await child.status;
    },
  };
  // Deno's own start under a loaded machine can take seconds: wait up to 30 s, bounded.
  for (let i = 0; i < 3000 && swapper.swaps() === 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  if (swapper.swaps() === 0) await swapper[Symbol.asyncDispose]();
  assert.ok(swapper.swaps() > 0, "the swapper runs");
  return swapper;
}
