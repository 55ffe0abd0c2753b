// deno-lint-ignore-file no-console
/**
 * Which V8 options to bake into the binary (`BUILD.v8Flags`): each candidate set runs the same
 * work side by side, interleaved round by round so they share the machine's load, medians shown:
 *   - `pixir --version` (start-up);
 *   - a 2000-delta answer (a short run: wall time and peak RSS) and a run with a `read` call (RSS);
 *   - a long streamed answer (40,000 deltas, ~400 kB): wall time and CPU time, the sustained work
 *     of a chat that streams for minutes;
 *   - the grep tool over the search benchmark's ~10,000-file tree (`search.ts`, run with the set),
 *     against `rg -j1` in the same process.
 * The candidates: the baked set, V8's own compilers with only the 1 MB young generation, and the
 * compilers kept but started later (10× V8's invocation counts), so short runs never pay for them.
 * Usage: scripts/deno run -P=test scripts/bench/v8_flags.ts [--runs N] [--grep-runs N] [--tree DIR]
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { BUILD } from "../build/plan.ts";
import { startResponsesServer } from "../../tests/fakes/responses_server.ts";
import { textAnswer, toolCallAnswer } from "../../tests/fakes/fixtures.ts";
import { denoDir } from "../../tests/harness/cli.ts";
import { median, round } from "./stats.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DENO = join(REPO, "scripts", "deno");

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string" },
    "grep-runs": { type: "string" },
    tree: { type: "string" },
  },
});
const runs = Number(values.runs ?? 5);
const grepRuns = Number(values["grep-runs"] ?? 3);

const DELAYED = [
  "--invocation-count-for-maglev=4000",
  "--invocation-count-for-maglev-osr=1000",
  "--invocation-count-for-turbofan=30000",
  "--invocation-count-for-osr=5000",
];
const CANDIDATES: Record<string, readonly string[]> = {
  baked: BUILD.v8Flags,
  "compilers on": ["--max-semi-space-size=1"],
  "compilers later": ["--max-semi-space-size=1", ...DELAYED],
};

interface Sample {
  ms: number;
  cpuMs: number;
  rssMb: number;
}

/** Pixir from source with the given V8 options, as scripts/pixir runs it, under /usr/bin/time. */
async function pixir(
  flags: readonly string[],
  args: string[],
  env: Record<string, string>,
): Promise<Sample> {
  const start = performance.now();
  const out = await new Deno.Command("/usr/bin/time", {
    args: [
      "-f",
      "BENCH %U %S %M",
      DENO,
      "run",
      "-q",
      "--frozen",
      "--config",
      join(REPO, "deno.json"),
      "-P=pixir",
      "--no-prompt",
      `--v8-flags=${flags.join(",")}`,
      join(REPO, "src", "main.ts"),
      ...args,
    ],
    env,
    cwd: env.HOME,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  const stderr = new TextDecoder().decode(out.stderr);
  const m = /BENCH ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (out.code !== 0 || !m) throw new Error(`pixir ${args.join(" ")}: exit ${out.code}\n${stderr}`);
  return { ms, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, rssMb: Number(m[3]) / 1024 };
}

/** The grep tool's and rg's medians from `search.ts` run with the given V8 options. */
async function grep(
  flags: readonly string[],
  tree: string | undefined,
): Promise<{ grep: number; rg: number }> {
  const out = await new Deno.Command(DENO, {
    args: [
      "run",
      "-q",
      "--frozen",
      "-P=test",
      `--v8-flags=${flags.join(",")}`,
      join(REPO, "scripts", "bench", "search.ts"),
      "--runs",
      String(grepRuns),
      ...(tree === undefined ? [] : ["--tree", tree]),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const mine = /grep tool .* median ([\d.]+) ms/.exec(text);
  const theirs = /rg -j1 .* median ([\d.]+) ms/.exec(text);
  if (!mine) throw new Error(`search.ts: ${text}\n${new TextDecoder().decode(out.stderr)}`);
  return { grep: Number(mine[1]), rg: theirs ? Number(theirs[1]) : NaN };
}

const home = await Deno.makeTempDir({ prefix: "pixir-bench-v8-" });
await Deno.writeTextFile(join(home, "notes.txt"), "bench notes\n");
const short = Array.from({ length: 2000 }, (_, i) => `w${i} `);
const long = Array.from({ length: 40_000 }, (_, i) => `word${i} `);
await using shortServer = startResponsesServer({
  script: [{ sse: textAnswer(short.join(""), { deltas: short, reasoning: false }) }],
});
await using longServer = startResponsesServer({
  script: [{ sse: textAnswer(long.join(""), { deltas: long, reasoning: false }) }],
});
await using toolServer = startResponsesServer({
  script: (_request, index) =>
    index % 2 === 0
      ? {
        sse: toolCallAnswer({
          name: "read",
          arguments: JSON.stringify({ path: "notes.txt" }),
          callId: `call_${index}`,
        }),
      }
      : { sse: textAnswer("It says bench notes.", { reasoning: false }) },
});
const cache = await denoDir();
const env = (url: string) => ({
  DENO_DIR: cache,
  PATH: Deno.env.get("PATH") ?? "",
  HOME: home,
  PIXIR_HOME: home,
  OPENAI_API_KEY: "sk-bench",
  OPENAI_BASE_URL: url,
  DENO_NO_UPDATE_CHECK: "1",
});

// The grep tree is the search benchmark's: built (or checked) by a first run, then reused.
await grep(CANDIDATES.baked, values.tree);
const tree = values.tree ?? join(REPO, ".bench", "search-tree");

type Results = Record<string, Record<string, Sample[]>>;
const results: Results = Object.fromEntries(Object.keys(CANDIDATES).map((k) => [k, {}]));
const greps: Record<string, { grep: number; rg: number }[]> = Object.fromEntries(
  Object.keys(CANDIDATES).map((k) => [k, []]),
);
const push = (name: string, job: string, sample: Sample) =>
  (results[name][job] ??= []).push(sample);
for (let round = 0; round <= runs; round++) {
  for (const [name, flags] of Object.entries(CANDIDATES)) {
    const version = await pixir(flags, ["--version"], env(shortServer.url));
    const shortRun = await pixir(flags, ["run", "say hi"], env(shortServer.url));
    const toolRun = await pixir(flags, ["run", "read notes.txt"], env(toolServer.url));
    const longRun = await pixir(flags, ["run", "say a lot"], env(longServer.url));
    if (round === 0) continue; // warm-up
    push(name, "version", version);
    push(name, "short", shortRun);
    push(name, "tool", toolRun);
    push(name, "long", longRun);
    if (round <= grepRuns) greps[name].push(await grep(flags, tree));
  }
}

const loadavg = Deno.loadavg().map((x) => x.toFixed(1)).join(" ");
console.log(`V8 options, ${runs} interleaved rounds after a warm-up; load average ${loadavg}`);
const base = results.baked;
const cell = (name: string, job: string, key: keyof Sample) => {
  const value = median(results[name][job].map((s) => s[key]));
  const ratio = value / median(base[job].map((s) => s[key]));
  return `${String(round(value)).padStart(8)} (${ratio.toFixed(2)}×)`;
};
console.log(
  `  ${"".padEnd(16)} ${"--version ms".padStart(17)} ${"2000-delta ms".padStart(17)} ` +
    `${"2000-delta MB".padStart(17)} ${"read call MB".padStart(17)} ${
      "40k-delta ms".padStart(17)
    } ` +
    `${"40k-delta CPU ms".padStart(17)} ${"grep ms".padStart(17)}`,
);
for (const name of Object.keys(CANDIDATES)) {
  const g = median(greps[name].map((x) => x.grep));
  const rg = median(greps[name].map((x) => x.rg));
  console.log(
    `  ${name.padEnd(16)} ${cell(name, "version", "ms")} ${cell(name, "short", "ms")} ` +
      `${cell(name, "short", "rssMb")} ${cell(name, "tool", "rssMb")} ${
        cell(name, "long", "ms")
      } ` +
      `${cell(name, "long", "cpuMs")} ${String(round(g)).padStart(8)} (${(g / rg).toFixed(2)}× rg)`,
  );
}
console.log("  flags:");
for (const [name, flags] of Object.entries(CANDIDATES)) {
  console.log(`    ${name}: ${flags.join(",")}`);
}
await Deno.remove(home, { recursive: true });
