// deno-lint-ignore-file no-console
/**
 * Benchmark of `pixir chat` start-up, from source (`scripts/pixir`): the time from launching the
 * program in a tmux pseudo-terminal to the first painted prompt (the editor's frame on screen),
 * reported as a median (goal < 300 ms). The pane's shell is already running when the clock starts:
 * a keypress releases it to exec Pixir, so tmux's own start-up is not counted.
 *
 * How the paint is seen matters on a small machine: asking tmux for the screen starts a tmux client
 * each time, and doing that every few milliseconds takes CPU from the program being timed (on 2
 * cores it added ~50 ms to the start). So by default the bench reads what the program writes to
 * the terminal (tmux copies it into a file; the bench wakes on the file's changes, starting
 * nothing) and stops the clock when the editor's two rules have been written; it then checks once
 * that the screen shows the frame, and fails if not. `--poll-screen` times the old way instead
 * (the screen read every 2 ms), to compare.
 *
 * `--against DIR` also times another checkout's `scripts/pixir` (e.g. /work/main), alternating
 * with this one run by run, so both are measured in the same minutes on the same load; both must
 * pass Deno the same V8 options (see below).
 *
 * Usage: scripts/deno run -P=test scripts/bench/chat_start.ts [--runs N] [--against DIR]
 *        [--poll-screen]
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { denoDir } from "../../tests/harness/cli.ts";
import { type Pane, startPane } from "../../tests/harness/tmux.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const GOAL_MS = 300;
/** The editor's frame on screen: two long rules with the input line between them. */
const PROMPT_PAINTED = /─{20,}\n.*\n─{20,}/;
/** The editor's two rules in what the program wrote, its escape sequences taken out. */
const RULES_WRITTEN = /─{20,}[^]*─{20,}/;
/** Escape sequences: CSI (colours, cursor moves, modes) and OSC (links, titles). */
// deno-lint-ignore no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
/** A synchronized update: the terminal shows what is written between these two at once. */
const SYNC_BEGIN = "\x1b[?2026h";
const SYNC_END = "\x1b[?2026l";
/** Longest wait for a paint. */
const PAINT_TIMEOUT_MS = 10_000;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string" },
    against: { type: "string" },
    "poll-screen": { type: "boolean" },
  },
});
const runs = Number(values.runs ?? 11);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: "${values.runs}" is not a count`);
const pollScreen = values["poll-screen"] ?? false;
const programs = [
  { label: "this checkout", pixir: join(REPO, "scripts", "pixir") },
  ...(values.against === undefined
    ? []
    : [{ label: values.against, pixir: join(values.against, "scripts", "pixir") }]),
];

// Deno keeps one compiled-code cache per module, valid for the V8 options it was made with, and
// both checkouts share the npm packages' modules: with different options each run would discard
// what the other cached, and neither would be timed as it runs alone.
const v8Options = await Promise.all(
  programs.map(async ({ pixir }) =>
    /--v8-flags=(\S+)/.exec(await Deno.readTextFile(pixir))?.[1] ?? "(none)"
  ),
);
if (new Set(v8Options).size > 1) {
  console.error(`chat_start: --against: the checkouts pass different V8 options`);
  for (const [p, { pixir }] of programs.entries()) console.error(`  ${pixir}: ${v8Options[p]}`);
  Deno.exit(2);
}

const home = await Deno.makeTempDir({ prefix: "pixir-bench-chat-" });
const env = {
  PATH: Deno.env.get("PATH") ?? "",
  HOME: home,
  PIXIR_HOME: home,
  TERM: "screen-256color",
  OPENAI_API_KEY: "sk-bench",
  DENO_NO_UPDATE_CHECK: "1",
  // Deno's cache, so the program finds its dependencies without the network.
  DENO_DIR: await denoDir(),
};

/** Waits until the screen shows the frame, reading it every 2 ms (the old way, see above). */
async function screenPainted(pane: Pane, started: number): Promise<number> {
  for (;;) {
    if (PROMPT_PAINTED.test(await pane.screen())) return performance.now();
    if (performance.now() - started > PAINT_TIMEOUT_MS) throw new Error("no paint within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Waits until the program has written the editor's rules to `output` (see above). */
async function outputPainted(output: string, watcher: Deno.FsWatcher): Promise<number> {
  const timeout = setTimeout(() => watcher.close(), PAINT_TIMEOUT_MS);
  try {
    for await (const _ of watcher) {
      const written = new TextDecoder().decode(await Deno.readFile(output));
      // A frame inside a synchronized update is on screen once the update ends.
      const open = written.split(SYNC_BEGIN).length - written.split(SYNC_END).length;
      if (open <= 0 && RULES_WRITTEN.test(written.replace(ESCAPES, ""))) return performance.now();
    }
    throw new Error("no paint within 10 s");
  } finally {
    clearTimeout(timeout);
    watcher.close();
  }
}

/** One start: milliseconds from the keypress that execs `pixir` to its painted prompt. */
async function startOnce(pixir: string, run: number): Promise<number> {
  await using pane = await startPane({
    command: ["sh", "-c", 'read _ && exec "$0" chat', pixir],
    env,
    cwd: home,
  });
  const output = join(home, `output-${run}`);
  await Deno.writeFile(output, new Uint8Array());
  await pane.recordOutput(output);
  const watcher = Deno.watchFs(output);
  const started = performance.now();
  await pane.press("Enter");
  const painted = pollScreen
    ? await screenPainted(pane, started).finally(() => watcher.close())
    : await outputPainted(output, watcher);
  // What was written is what the screen shows (or the run does not count).
  await pane.waitFor(PROMPT_PAINTED, PAINT_TIMEOUT_MS);
  return painted - started;
}

function median(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const load = () => Deno.loadavg().map((l) => l.toFixed(2)).join(" ");
const loadBefore = load();
let run = 0;
for (const { pixir } of programs) await startOnce(pixir, run++); // warm-up: module and page cache
const times: number[][] = programs.map(() => []);
for (let i = 0; i < runs; i++) {
  for (const [p, { pixir }] of programs.entries()) times[p].push(await startOnce(pixir, run++));
}
await Deno.remove(home, { recursive: true });

const how = pollScreen ? "screen read every 2 ms" : "seen in the program's output";
console.log(
  `pixir chat start to first painted prompt, ${runs} runs after a warm-up (from source; ${how})`,
);
for (const [p, { label }] of programs.entries()) {
  const sorted = [...times[p]].sort((a, b) => a - b);
  const m = median(sorted);
  const verdict = m < GOAL_MS ? "ok" : "OVER";
  console.log(
    `  ${label}: median ${m.toFixed(0)} ms   min ${sorted[0].toFixed(0)}   max ${
      sorted.at(-1)?.toFixed(0)
    }   goal < ${GOAL_MS}   ${verdict}`,
  );
}
console.log(`  load average (1, 5, 15 min) before: ${loadBefore}; after: ${load()}`);
