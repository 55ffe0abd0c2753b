// deno-lint-ignore-file no-console
/**
 * Long sessions must cost what their context costs. Side by side, from source (`scripts/pixir`),
 * against the loopback stand-in, medians of N runs after a warm-up:
 *   1. `pixir resume <id> "…"` of a generated 400-turn and 2000-turn session (about 12 KB a turn,
 *      a compaction every 118 turns, as a long working session has) against `pixir run "…"` (a
 *      fresh session): wall time and peak RSS, as ratios (goals: ≤ 1.5× and ≤ 1.3×);
 *   2. `pixir export <id> --format json` of the 2000-turn session: it streams the log, so its peak
 *      RSS stays near a fresh run's whatever the log's size;
 *   3. `pixir sessions --all --json` over 1000 sessions of 20 turns each (goal: well under a
 *      second), with their summaries (`<id>.summary.json`, kept by the writer: the listing reads no
 *      log) and without them (the first listing after an upgrade rebuilds them from the logs),
 *      against the same listing of an empty folder and `pixir --version`.
 * Usage: scripts/deno run -P=test scripts/bench/resume.ts [--runs N]
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { CanonicalEvent, Envelope } from "../../src/agent/event.ts";
import { EVENT_FORMAT_VERSION } from "../../src/agent/event.ts";
import { startResponsesServer } from "../../tests/fakes/responses_server.ts";
import { textAnswer } from "../../tests/fakes/fixtures.ts";
import { denoDir } from "../../tests/harness/cli.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PIXIR = join(REPO, "scripts", "pixir");
const COMPACT_EVERY = 118;

const { values } = parseArgs({ args: Deno.args, options: { runs: { type: "string" } } });
const runs = Number(values.runs ?? 7);

interface Sample {
  seconds: number;
  rssMb: number;
}

/** One run under /usr/bin/time: its wall time and peak RSS. */
async function sample(args: string[], env: Record<string, string>, cwd: string): Promise<Sample> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "PIXIR_BENCH %e %M", PIXIR, ...args],
    env,
    cwd,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  const match = /PIXIR_BENCH ([\d.]+) (\d+)/.exec(stderr);
  if (out.code !== 0 || !match) {
    throw new Error(`pixir ${args.join(" ")}: exit ${out.code}\n${stderr}`);
  }
  return { seconds: Number(match[1]), rssMb: Number(match[2]) / 1024 };
}

/** Medians of `runs` samples after one warm-up. */
async function medians(f: () => Promise<Sample>): Promise<Sample> {
  await f();
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await f());
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { seconds: mid(samples.map((s) => s.seconds)), rssMb: mid(samples.map((s) => s.rssMb)) };
}

/** Writes a session log of `turns` turns (contents `scale` times the usual size) as Pixir would. */
async function generateSession(
  sessionsDir: string,
  id: string,
  cwd: string,
  turns: number,
  scale: number,
): Promise<number> {
  const lines: string[] = [];
  const events: Envelope<CanonicalEvent>[] = [];
  const at = Date.UTC(2026, 10, 1);
  const push = (event: CanonicalEvent) => {
    const seq = events.length;
    const envelope = {
      id: `${id}:${seq}`,
      session_id: id,
      seq,
      ts: new Date(at + seq * 1000).toISOString(),
      ...event,
    } as Envelope<CanonicalEvent>;
    events.push(envelope);
    lines.push(JSON.stringify(envelope));
  };
  const words = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => `w${(i * 7 + seed) % 997}`).join(" ");
  push({
    type: "session_started",
    data: {
      format: EVENT_FORMAT_VERSION,
      cwd,
      model: "gpt-5.5",
      effort: "medium",
      pixir_version: "0.1.0",
    },
  });
  for (let turn = 1; turn <= turns; turn++) {
    const turnStart = events.length;
    push({ type: "user_message", data: { text: `step ${turn}: ${words(40 * scale, turn)}` } });
    push({ type: "turn_started", data: { turn, model: "gpt-5.5", effort: "medium" } });
    push({
      type: "reasoning",
      data: {
        model: "gpt-5.5",
        summary: [{ type: "summary_text", text: words(60 * scale, turn + 1) }],
        encrypted_content: "gAAAA" + "x".repeat(2000 * scale),
      },
    });
    const call_id = `call_${turn}`;
    push({
      type: "tool_call",
      data: {
        model: "gpt-5.5",
        call_id,
        name: "read",
        arguments: `{"path":"src/file_${turn}.ts"}`,
      },
    });
    push({
      type: "tool_result",
      data: { call_id, name: "read", ok: true, output: words(1100 * scale, turn + 2) },
    });
    push({
      type: "assistant_message",
      data: { model: "gpt-5.5", text: words(280 * scale, turn + 3) },
    });
    push({
      type: "usage",
      data: {
        input_tokens: 20000,
        cached_tokens: 18000,
        output_tokens: 900,
        reasoning_tokens: 300,
        total_tokens: 20900,
        model: "gpt-5.5",
      },
    });
    push({ type: "turn_completed", data: { turn, status: "completed" } });
    if (turn % COMPACT_EVERY === 0) {
      push({
        type: "compaction",
        data: {
          summary: `Summary through turn ${turn}: ${words(400, turn)}`,
          reason: "threshold",
          replaces_through_seq: turnStart - 1,
          model: "gpt-5.5",
          tokens_before: 230000,
        },
      });
    }
  }
  const text = lines.join("\n") + "\n";
  await Deno.writeTextFile(join(sessionsDir, `${id}.ndjson`), text, { mode: 0o600 });
  return text.length;
}

const root = await Deno.makeTempDir({ prefix: "pixir-bench-resume-" });
const home = join(root, "home");
const sessionsDir = join(home, "sessions");
const workspace = join(root, "ws");
await Deno.mkdir(sessionsDir, { recursive: true });
await Deno.mkdir(workspace);
const realWorkspace = await Deno.realPath(workspace);
// Without the stand-in's request validation: its cost on a long context is not Pixir's.
await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }], validate: false });
const env = {
  PATH: Deno.env.get("PATH") ?? "",
  HOME: root,
  PIXIR_HOME: home,
  OPENAI_API_KEY: "sk-bench",
  OPENAI_BASE_URL: server.url,
  DENO_DIR: await denoDir(),
  DENO_NO_UPDATE_CHECK: "1",
};

console.log(
  `Resume and listing benchmarks, median of ${runs} runs after a warm-up (scripts/pixir)`,
);
const fresh = await medians(() => sample(["run", "--no-context", "hi"], env, workspace));
console.log(
  `  fresh run                      ${fresh.seconds.toFixed(2)} s   ${fresh.rssMb.toFixed(0)} MB`,
);
const report: Record<string, unknown> = { runs, fresh };
for (
  const [turns, id] of [[400, "20261101-000000-aaaaaa"], [2000, "20261101-000000-bbbbbb"]] as const
) {
  const bytes = await generateSession(sessionsDir, id, realWorkspace, turns, 1);
  const resumed = await medians(() => sample(["resume", id, "--no-context", "hi"], env, workspace));
  const wall = resumed.seconds / fresh.seconds;
  const memory = resumed.rssMb / fresh.rssMb;
  report[`resume_${turns}`] = { bytes, ...resumed, wall_ratio: wall, memory_ratio: memory };
  console.log(
    `  resume, ${String(turns).padStart(4)} turns (${(bytes / 1e6).toFixed(1)} MB log)  ` +
      `${resumed.seconds.toFixed(2)} s   ${resumed.rssMb.toFixed(0)} MB   ` +
      `wall ${wall.toFixed(2)}× (goal ≤ 1.5)   memory ${memory.toFixed(2)}× (goal ≤ 1.3)`,
  );
  if (turns === 2000) {
    const exported = await medians(() =>
      sample(["export", id, "--format", "json"], env, workspace)
    );
    report.export_2000 = { ...exported, memory_ratio: exported.rssMb / fresh.rssMb };
    console.log(
      `  export --format json, 2000 turns  ${exported.seconds.toFixed(2)} s   ` +
        `${exported.rssMb.toFixed(0)} MB   memory ${(exported.rssMb / fresh.rssMb).toFixed(2)}× ` +
        `a fresh run (streamed: the ${(bytes / 1e6).toFixed(1)} MB log is never held whole)`,
    );
  }
  await Deno.remove(join(sessionsDir, `${id}.ndjson`));
}

// The listing's own cost: 1000 sessions of 20 small turns each, against an empty folder. With
// their summaries it reads none of the logs; without them (generated logs have none, as after an
// upgrade) it rebuilds each summary from its log, once.
const empty = await medians(() => sample(["sessions", "--all", "--json"], env, workspace));
for (let i = 0; i < 1000; i++) {
  const id = `20261102-${String(i).padStart(6, "0")}-bench${(i % 36).toString(36)}`;
  await generateSession(sessionsDir, id, realWorkspace, 20, 0.1);
}
const removeSummaries = async () => {
  for await (const entry of Deno.readDir(sessionsDir)) {
    if (entry.name.endsWith(".summary.json")) await Deno.remove(join(sessionsDir, entry.name));
  }
};
const version = await medians(() => sample(["--version"], env, workspace));
const cold = await medians(async () => {
  await removeSummaries();
  return await sample(["sessions", "--all", "--json"], env, workspace);
});
const listing = await medians(() => sample(["sessions", "--all", "--json"], env, workspace));
report.sessions_1000 = { ...listing, without_summaries: cold, empty, version };
const line = (label: string, x: Sample) =>
  console.log(
    `  ${label.padEnd(44)} ${x.seconds.toFixed(2)} s   ${x.rssMb.toFixed(0)} MB   ` +
      `(${(x.seconds - empty.seconds).toFixed(2)} s more than no sessions)`,
  );
line("sessions --all, 1000 sessions", listing);
line("  the same without summaries (rebuilt)", cold);
console.log(
  `  sessions --all, no sessions                  ${empty.seconds.toFixed(2)} s   ` +
    `(pixir --version: ${version.seconds.toFixed(2)} s)`,
);
await Deno.mkdir(join(REPO, ".bench"), { recursive: true });
await Deno.writeTextFile(
  join(REPO, ".bench", "resume.json"),
  JSON.stringify(report, null, 2) + "\n",
);
await Deno.remove(root, { recursive: true });
