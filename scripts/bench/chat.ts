// deno-lint-ignore-file no-console
/**
 * The chat stays fast however long the session. Side by side, from source (`scripts/pixir`), the
 * real chat in a tmux pane (120×40) against the loopback stand-in: a fresh chat against the same
 * chat opened on a generated session of 1000 turns (several tool calls a turn,
 * tests/fakes/long_session.ts), alternating, medians of N runs. Each run measures:
 *   open     Enter (exec of `pixir chat`) → the prompt painted (with the session's last turn); then
 *            the run waits until the whole history is in the scrollback (laid out while idle) and
 *            notes the peak memory so far
 *   spinner  CPU of the process while the working indicator spins, from 0.5 s after the request
 *            reached the stand-in (so building the request is not counted) for 3 s
 *   stream   Enter → the last word of a 2000-delta markdown answer (5 ms apart) written to the
 *            terminal (wall), and the process's CPU over that time; also first word → last word,
 *            which leaves out building the request (a long session's is larger)
 *   keys     per-key latency: a key sent → its echo written to the terminal (median and p90 of 25)
 *   rss      peak resident memory of the process at the end
 * and prints the 1000-turn figures as ratios of the fresh ones, with the goals, and the load
 * average (the machine is shared: compare the ratios, measured side by side, not the absolutes).
 * Usage: scripts/deno run -A scripts/bench/chat.ts [--runs N] [--turns N]
 * (-A: the process's CPU time and peak memory are read from /proc, which Deno grants only so.)
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { textAnswer } from "../../tests/fakes/fixtures.ts";
import type { RecordedRequest } from "../../tests/fakes/loopback_server.ts";
import { startResponsesServer } from "../../tests/fakes/responses_server.ts";
import { writeLongSession } from "../../tests/fakes/long_session.ts";
import { denoDir } from "../../tests/harness/cli.ts";
import { type Pane, startPane } from "../../tests/harness/tmux.ts";
import { median, ratio, round } from "./stats.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PIXIR = join(REPO, "scripts", "pixir");
const PROMPT_READY = /─{20,}\n.*\n─{20,}/;
const DELTAS = 2000;
const DELTA_GAP_MS = 5;
const SPIN_WINDOW_MS = 3000;
const KEYS = "abcdefghijklmnopqrstuvwxy";
const FINAL_WORD = "zebrafinale";
const TICKS_PER_SECOND = 100;

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string" }, turns: { type: "string" } },
});
const runs = Number(values.runs ?? 3);
const turns = Number(values.turns ?? 1000);

/** One run's figures. */
interface Sample {
  openMs: number;
  openRssMb: number;
  firstToLastS: number;
  spinnerPct: number;
  streamS: number;
  streamCpuS: number;
  keyMedianMs: number;
  keyP90Ms: number;
  rssMb: number;
}

/** The streamed answer: paragraphs, lists and code blocks, `DELTAS` deltas, ending in FINAL_WORD. */
function streamedAnswer(): string[] {
  const deltas: string[] = [];
  for (let i = 0; deltas.length < DELTAS - 1; i++) {
    const block = i % 5;
    if (block === 3) {
      deltas.push("\n\n- item ", `${i} `, "is listed\n- another ", "item\n\n");
    } else if (block === 4) {
      deltas.push("```ts\n", `const x${i} = ${i};\n`, "```\n\n");
    } else {
      for (let w = 0; w < 40; w++) deltas.push(`word${i}_${w} `);
      deltas.push("**bold** `code`.\n\n");
    }
  }
  deltas.length = DELTAS - 1;
  deltas.push(` ${FINAL_WORD}`);
  return deltas;
}

/** The text of the last user message of a request. */
function lastUserText(request: RecordedRequest): string {
  const body = request.body as { input?: { role?: string; content?: { text?: string }[] }[] };
  const user = (body.input ?? []).filter((item) => item.role === "user").at(-1);
  return (user?.content ?? []).map((part) => part.text ?? "").join("");
}

const answer = streamedAnswer();
/** Called when the spinner turn's request reaches the stand-in. */
let spinArrived = () => {};
const server = startResponsesServer({
  validate: false,
  script: (request) => {
    const text = lastUserText(request);
    if (text.includes("STREAM")) {
      return {
        sse: textAnswer(answer.join(""), { deltas: answer, reasoning: false }),
        delayMs: DELTA_GAP_MS,
      };
    }
    // The spinner's turn: the model takes its time to say anything.
    spinArrived();
    const until = new Promise<void>((resolve) => setTimeout(resolve, SPIN_WINDOW_MS + 1500));
    return { sse: textAnswer("spun", { reasoning: false }), pause: { writes: 0, until } };
  },
});

const root = await Deno.makeTempDir({ prefix: "pixir-bench-chat-" });
const home = join(root, "home");
const workspace = join(root, "ws");
await Deno.mkdir(join(home, "sessions"), { recursive: true });
await Deno.mkdir(workspace);
const realWorkspace = await Deno.realPath(workspace);
const SESSION = "20261101-000000-cccccc";
const env = {
  PATH: Deno.env.get("PATH") ?? "",
  HOME: root,
  PIXIR_HOME: home,
  TERM: "screen-256color",
  OPENAI_API_KEY: "sk-bench",
  OPENAI_BASE_URL: server.url,
  DENO_DIR: await denoDir(),
  DENO_NO_UPDATE_CHECK: "1",
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds the process used so far (user and system, all threads). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Waits until `test` holds, polling every `everyMs`; throws after `timeoutMs`. */
async function until(
  test: () => Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
  everyMs = 2,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await test())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * What the program writes to the terminal, read from the recording as it grows. Only what was
 * written since the last `mark()` is kept and searched, each byte once: searching all of a long
 * session's output on every poll would take the CPU the program under test needs.
 */
class Recording {
  readonly path: string;
  readonly #decoder = new TextDecoder();
  #offset = 0;
  #text = "";
  /** Where the next search starts in `#text`. */
  #searched = 0;
  constructor(path: string) {
    this.path = path;
  }
  /** From now on, only what is written after this is searched. */
  async mark(): Promise<void> {
    await this.#read();
    this.#text = "";
    this.#searched = 0;
  }
  /** True once `word` was written since the last mark. */
  async has(word: string): Promise<boolean> {
    await this.#read();
    const found = this.#text.indexOf(word, Math.max(0, this.#searched - word.length)) !== -1;
    this.#searched = this.#text.length;
    if (!found && this.#text.length > 1 << 16) {
      // Keep only the end, where a word cut by the last read continues.
      this.#text = this.#text.slice(-word.length);
      this.#searched = this.#text.length;
    }
    return found;
  }
  async #read(): Promise<void> {
    const file = await Deno.open(this.path, { read: true }).catch(() => null);
    if (!file) return;
    try {
      await file.seek(this.#offset, Deno.SeekMode.Start);
      const buffer = new Uint8Array(1 << 20);
      for (;;) {
        const n = await file.read(buffer);
        if (n === null || n === 0) break;
        this.#offset += n;
        this.#text += this.#decoder.decode(buffer.subarray(0, n), { stream: true });
      }
    } finally {
      file.close();
    }
  }
}

async function runOnce(resume: boolean): Promise<Sample> {
  if (resume) {
    await writeLongSession({
      sessionsDir: join(home, "sessions"),
      id: SESSION,
      cwd: realWorkspace,
      turns,
    });
  }
  const pidFile = join(root, `pid-${crypto.randomUUID()}`);
  const args = resume ? ["chat", "--resume", SESSION] : ["chat"];
  await using pane: Pane = await startPane({
    command: ["sh", "-c", 'read _ && exec "$0" "$@"', PIXIR, ...args],
    env,
    cwd: workspace,
    columns: 120,
    rows: 40,
    pidFile,
  });
  await until(async () => (await Deno.readTextFile(pidFile).catch(() => "")).trim() !== "", "pid");
  const pid = Number((await Deno.readTextFile(pidFile)).trim());
  const recording = new Recording(join(root, `out-${crypto.randomUUID()}`));
  await pane.recordOutput(recording.path);

  // Open.
  const opened = resume ? new RegExp(`session ${SESSION}`) : PROMPT_READY;
  let start = performance.now();
  await pane.press("Enter");
  await until(async () => {
    const screen = await pane.screen();
    return PROMPT_READY.test(screen) && opened.test(screen);
  }, "the chat to open");
  const openMs = performance.now() - start;
  if (resume) {
    await until(
      () => recording.has("task 1:"),
      "the whole history in the scrollback",
      600_000,
      100,
    );
  }
  await sleep(1000);
  const openRssMb = await peakRssMb(pid);

  // The spinner alone.
  const arrived = new Promise<void>((resolve) => spinArrived = resolve);
  await pane.type("spin please");
  await pane.press("Enter");
  await arrived;
  await sleep(500);
  const spinStart = await cpuSeconds(pid);
  await sleep(SPIN_WINDOW_MS);
  const spinnerPct = (await cpuSeconds(pid) - spinStart) / (SPIN_WINDOW_MS / 1000) * 100;
  await until(async () => !(await pane.screen()).includes("esc to interrupt"), "the spin turn");

  // The stream.
  await pane.type("STREAM please");
  const streamCpu = await cpuSeconds(pid);
  await recording.mark();
  start = performance.now();
  await pane.press("Enter");
  await until(() => recording.has("word0_0"), "the first word");
  const firstWord = performance.now();
  await until(
    () => recording.has(FINAL_WORD),
    "the last word",
    300_000,
    5,
  );
  const streamS = (performance.now() - start) / 1000;
  const firstToLastS = (performance.now() - firstWord) / 1000;
  const streamCpuS = await cpuSeconds(pid) - streamCpu;
  await until(async () => !(await pane.screen()).includes("esc to interrupt"), "the stream turn");
  await sleep(300);

  // Keys.
  const latencies: number[] = [];
  for (const key of KEYS) {
    await recording.mark();
    start = performance.now();
    await pane.type(key);
    await until(
      () => recording.has(key),
      `the echo of ${key}`,
      10_000,
      1,
    );
    latencies.push(performance.now() - start);
    await sleep(30);
  }
  const rssMb = await peakRssMb(pid);
  await pane.press("C-u");
  await pane.press("C-d");
  await until(
    async () => !(await Deno.stat(`/proc/${pid}`).then(() => true, () => false)),
    "exit",
    10_000,
    20,
  );
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    openMs,
    openRssMb,
    firstToLastS,
    spinnerPct,
    streamS,
    streamCpuS,
    keyMedianMs: median(latencies),
    keyP90Ms: sorted[Math.floor(sorted.length * 0.9)],
    rssMb,
  };
}

function medianOf(samples: Sample[]): Sample {
  const m = (key: keyof Sample) => median(samples.map((s) => s[key]));
  return {
    openMs: m("openMs"),
    openRssMb: m("openRssMb"),
    firstToLastS: m("firstToLastS"),
    spinnerPct: m("spinnerPct"),
    streamS: m("streamS"),
    streamCpuS: m("streamCpuS"),
    keyMedianMs: m("keyMedianMs"),
    keyP90Ms: m("keyP90Ms"),
    rssMb: m("rssMb"),
  };
}

const loadAverage = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
const loadBefore = loadAverage();
console.log(
  `pixir chat: a fresh chat against one opened on a ${turns}-turn session, 120×40 in tmux, ` +
    `${DELTAS} deltas ${DELTA_GAP_MS} ms apart; medians of ${runs} alternating runs after a warm-up`,
);
await runOnce(false); // warm-up: module cache, page cache
const fresh: Sample[] = [];
const long: Sample[] = [];
for (let i = 0; i < runs; i++) {
  fresh.push(await runOnce(false));
  long.push(await runOnce(true));
}
const loadAfter = loadAverage();
const f = medianOf(fresh);
const l = medianOf(long);
/** A row of the report: the figures, their ratio, and whether the goal is met. */
function row(name: string, goal: string, a: number, b: number, ok: boolean, showRatio = true) {
  return { name, goal, a, b, ratio: showRatio ? `${ratio(b, a)}×` : "", ok };
}
const rows = [
  row("stream wall (s)", "≤ 1.1×", f.streamS, l.streamS, l.streamS / f.streamS <= 1.1),
  row("  first word → last word (s)", "", f.firstToLastS, l.firstToLastS, true),
  row(
    "CPU for the answer (s)",
    "≤ 2×",
    f.streamCpuS,
    l.streamCpuS,
    l.streamCpuS / f.streamCpuS <= 2,
  ),
  row(
    "per-key latency, median (ms)",
    "≤ 1.3×",
    f.keyMedianMs,
    l.keyMedianMs,
    l.keyMedianMs / f.keyMedianMs <= 1.3,
  ),
  row("per-key latency, p90 (ms)", "", f.keyP90Ms, l.keyP90Ms, true),
  row("spinner alone (% of a core)", "≤ 5 %", f.spinnerPct, l.spinnerPct, l.spinnerPct <= 5, false),
  row("peak RSS (MB)", "≤ 1.5×", f.rssMb, l.rssMb, l.rssMb / f.rssMb <= 1.5),
  row("  peak RSS once opened (MB)", "", f.openRssMb, l.openRssMb, true),
  row("open (ms)", "≤ 500 ms", f.openMs, l.openMs, l.openMs <= 500, false),
];
console.log(
  `  ${"".padEnd(30)}${"fresh".padStart(10)}${`${turns} turns`.padStart(12)}${
    "ratio".padStart(8)
  }  goal`,
);
for (const { name, goal, a, b, ratio: r, ok } of rows) {
  console.log(
    `  ${name.padEnd(30)}${String(round(a, 2)).padStart(10)}${String(round(b, 2)).padStart(12)}` +
      `${r.padStart(8)}  ${goal.padEnd(9)} ${goal === "" ? "" : ok ? "ok" : "OVER"}`,
  );
}
console.log(
  `  load average: ${loadBefore} at the start, ${loadAfter} at the end (2 cores, shared)`,
);
await server.close();
await Deno.remove(root, { recursive: true });
