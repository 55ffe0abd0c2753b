// deno-lint-ignore-file no-console
/**
 * Pixir's benchmarks, run from source exactly as users run it (`scripts/pixir`), reporting medians:
 *   1. `pixir --version` wall time (goal < 100 ms);
 *   2. client overhead of a 2000-delta answer from the loopback stand-in: the median run time with
 *      2000 deltas minus the median with one delta of the same text (goal < 150 ms);
 *   3. peak RSS of the 2000-delta run, from /usr/bin/time (goal < 100 MB).
 * Usage: scripts/deno task bench [--runs N]
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startResponsesServer } from "../../tests/fakes/responses_server.ts";
import { textAnswer } from "../../tests/fakes/fixtures.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PIXIR = join(REPO, "scripts", "pixir");
const DELTAS = 2000;

const { values } = parseArgs({ args: Deno.args, options: { runs: { type: "string" } } });
const runs = Number(values.runs ?? 15);

interface Timed {
  ms: number;
  maxRssKb: number | null;
  code: number;
}

/** Runs a command once, timing it and (with /usr/bin/time) reading its peak RSS. */
async function timed(args: string[], env: Record<string, string>, cwd: string): Promise<Timed> {
  const haveTime = await exists("/usr/bin/time");
  const command = haveTime ? "/usr/bin/time" : PIXIR;
  const fullArgs = haveTime ? ["-f", "PIXIR_BENCH_RSS=%M", PIXIR, ...args] : args;
  const start = performance.now();
  const out = await new Deno.Command(command, {
    args: fullArgs,
    env,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  const stderr = new TextDecoder().decode(out.stderr);
  const rss = stderr.match(/PIXIR_BENCH_RSS=(\d+)/);
  if (out.code !== 0) throw new Error(`pixir ${args.join(" ")} exited ${out.code}: ${stderr}`);
  return { ms, maxRssKb: rss ? Number(rss[1]) : null, code: out.code };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function series(n: number, f: () => Promise<Timed>): Promise<Timed[]> {
  await f(); // warm-up: module cache, page cache
  const out: Timed[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

const home = await Deno.makeTempDir({ prefix: "pixir-bench-" });
const baseEnv = {
  PATH: Deno.env.get("PATH") ?? "",
  HOME: Deno.env.get("HOME") ?? home,
  PIXIR_HOME: home,
  DENO_NO_UPDATE_CHECK: "1",
};
// The same answer text, streamed as 2000 deltas or as one.
const deltas = Array.from({ length: DELTAS }, (_, i) => `w${i} `);
const answer = deltas.join("");
await using many = startResponsesServer({
  script: [{ sse: textAnswer(answer, { deltas, reasoning: false }) }],
});
await using one = startResponsesServer({
  script: [{ sse: textAnswer(answer, { reasoning: false }) }],
});
const runEnv = (url: string) => ({ ...baseEnv, OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: url });

const version = await series(runs, () => timed(["--version"], baseEnv, home));
const manyRuns = await series(runs, () => timed(["run", "say hi"], runEnv(many.url), home));
const oneRuns = await series(runs, () => timed(["run", "say hi"], runEnv(one.url), home));
await Deno.remove(home, { recursive: true });

const versionMs = median(version.map((r) => r.ms));
const manyMs = median(manyRuns.map((r) => r.ms));
const oneMs = median(oneRuns.map((r) => r.ms));
const rss = manyRuns.map((r) => r.maxRssKb).filter((x): x is number => x !== null);
const report = {
  runs,
  version_median_ms: round(versionMs),
  run_1_delta_median_ms: round(oneMs),
  run_2000_deltas_median_ms: round(manyMs),
  delta_overhead_median_ms: round(manyMs - oneMs),
  delta_overhead_ratio: round(manyMs / oneMs, 3),
  peak_rss_median_mb: rss.length ? round(median(rss) / 1024) : null,
};

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const goals: [string, number | null, number][] = [
  ["pixir --version (median ms)", report.version_median_ms, 100],
  ["2000-delta client overhead (median ms)", report.delta_overhead_median_ms, 150],
  ["peak RSS, 2000-delta run (median MB)", report.peak_rss_median_mb, 100],
];
console.log(`Pixir benchmarks, ${runs} runs each after a warm-up (from source, scripts/pixir)`);
for (const [name, value, goal] of goals) {
  const verdict = value === null ? "n/a" : value <= goal ? "ok" : "OVER";
  console.log(`  ${name.padEnd(42)} ${String(value).padStart(8)}   goal < ${goal}   ${verdict}`);
}
console.log(
  `  run with 1 delta / 2000 deltas (median ms): ${report.run_1_delta_median_ms} / ${report.run_2000_deltas_median_ms} (ratio ${report.delta_overhead_ratio})`,
);
await Deno.mkdir(join(REPO, ".bench"), { recursive: true });
await Deno.writeTextFile(
  join(REPO, ".bench", "latest.json"),
  JSON.stringify(report, null, 2) + "\n",
);
