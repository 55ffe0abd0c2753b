// deno-lint-ignore-file no-console
/**
 * Pixir's benchmarks, run from source exactly as users run it (`scripts/pixir`), side by side with
 * Codex where it is installed, reporting medians and ratios:
 *   1. `--version` wall time, against Codex's (goal ≤ 0.6×);
 *   2. a 2000-delta answer from the loopback stand-in, against `codex exec` answering the same
 *      stream (goal ≤ 0.65×), and the client overhead (2000 deltas minus one delta of the same text);
 *   3. peak RSS of that run (goal ≤ 60 MB) and of a run with a tool call (goal ≤ 70 MB);
 *   4. bytes on the wire for a 20-turn session with the ChatGPT backend: request bodies as sent
 *      (zstd) against the same bodies plain, as every request went before compression.
 * Codex: `--codex PATH`, else `codex` on PATH, else `.bench/codex` (install it there with
 * `npm install --prefix .bench/codex @openai/codex`). Codex is timed as users install it, the npm
 * package's `codex` command (a Node launcher that execs the native binary it carries), which the
 * goals are ratios against; the native binary alone is timed beside it. Codex's network calls
 * besides the stand-in (plugin sync, update checks) go to a closed local port, failing at once.
 * Usage: scripts/deno task bench [--runs N] [--codex PATH]
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startResponsesServer } from "../../tests/fakes/responses_server.ts";
import { textAnswer, toolCallAnswer } from "../../tests/fakes/fixtures.ts";
import { createAuthIssuer } from "../../tests/fakes/auth_server.ts";
import { chatgptLogin, seedAuthFile, startChatgptBackend } from "../../tests/cli/helpers.ts";
import { median, ratio, round } from "./stats.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PIXIR = join(REPO, "scripts", "pixir");
const DELTAS = 2000;
const TURNS = 20;

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string" }, codex: { type: "string" } },
});
const runs = Number(values.runs ?? 11);

interface Timed {
  ms: number;
  maxRssKb: number | null;
  stderr: string;
}

const haveTime = await exists("/usr/bin/time");

/** Runs a program once, timing it and (with /usr/bin/time) reading its peak RSS. */
async function timed(
  program: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<Timed> {
  const command = haveTime ? "/usr/bin/time" : program;
  const fullArgs = haveTime ? ["-f", "BENCH_RSS=%M", program, ...args] : args;
  const start = performance.now();
  const out = await new Deno.Command(command, {
    args: fullArgs,
    env,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  const stderr = new TextDecoder().decode(out.stderr);
  const rss = stderr.match(/BENCH_RSS=(\d+)/);
  if (out.code !== 0) throw new Error(`${program} ${args.join(" ")} exited ${out.code}: ${stderr}`);
  return { ms, maxRssKb: rss ? Number(rss[1]) : null, stderr };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** `n` rounds after a warm-up; each round runs every job once, so they share the machine's load. */
async function interleaved(
  n: number,
  jobs: Record<string, () => Promise<Timed>>,
): Promise<Record<string, Timed[]>> {
  const results: Record<string, Timed[]> = Object.fromEntries(
    Object.keys(jobs).map((k) => [k, []]),
  );
  for (let round = 0; round <= n; round++) {
    for (const [name, job] of Object.entries(jobs)) {
      const result = await job();
      if (round > 0) results[name].push(result);
    }
  }
  return results;
}

const ms = (xs: Timed[]) => median(xs.map((x) => x.ms));
const mb = (xs: Timed[]) => {
  const rss = xs.map((x) => x.maxRssKb).filter((x): x is number => x !== null);
  return rss.length ? round(median(rss) / 1024) : null;
};

/** Codex's native binary and its npm launcher, when installed. */
async function findCodex(): Promise<{ native: string; launcher: string | null } | null> {
  const candidates = [
    values.codex,
    await which("codex"),
    join(REPO, ".bench/codex/node_modules/.bin/codex"),
  ]
    .filter((x): x is string => x !== undefined && x !== null);
  for (const launcher of candidates) {
    if (!await exists(launcher)) continue;
    const native = await nativeCodex(launcher);
    return native === null ? { native: launcher, launcher: null } : { native, launcher };
  }
  return null;
}

async function which(name: string): Promise<string | null> {
  const out = await new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "piped" })
    .output();
  return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
}

/** The native binary inside an npm install of Codex (`…/vendor/<target>/bin/codex`). */
async function nativeCodex(launcher: string): Promise<string | null> {
  const real = await Deno.realPath(launcher);
  const modules = real.slice(0, real.lastIndexOf("/node_modules/") + "/node_modules/".length);
  try {
    for await (const pkg of Deno.readDir(join(modules, "@openai"))) {
      const vendor = join(modules, "@openai", pkg.name, "vendor");
      if (!await exists(vendor)) continue;
      for await (const target of Deno.readDir(vendor)) {
        const bin = join(vendor, target.name, "bin", "codex");
        if (await exists(bin)) return bin;
      }
    }
  } catch { /* not an npm install */ }
  return null;
}

const home = await Deno.makeTempDir({ prefix: "pixir-bench-" });
const baseEnv = {
  PATH: Deno.env.get("PATH") ?? "",
  HOME: home,
  PIXIR_HOME: home,
  DENO_NO_UPDATE_CHECK: "1",
};
const deltas = Array.from({ length: DELTAS }, (_, i) => `w${i} `);
const answer = deltas.join("");
await using many = startResponsesServer({
  script: [{ sse: textAnswer(answer, { deltas, reasoning: false }) }],
});
await using one = startResponsesServer({
  script: [{ sse: textAnswer(answer, { reasoning: false }) }],
});
await using withTool = startResponsesServer({
  script: (_request, index) =>
    index % 2 === 0
      ? {
        sse: toolCallAnswer({
          name: "read",
          arguments: JSON.stringify({ path: "notes.txt" }),
          callId: `call_${index}`,
        }),
      }
      : { sse: textAnswer(answer, { deltas, reasoning: false }) },
});
// Codex sends its own request shape; the stand-in answers it without Pixir's request checks.
await using codexMany = startResponsesServer({
  validate: false,
  script: [{ sse: textAnswer(answer, { deltas, reasoning: false }) }],
});
await using codexOne = startResponsesServer({
  validate: false,
  script: [{ sse: textAnswer(answer, { reasoning: false }) }],
});
// The workspace is a folder of its own: Pixir's home is hidden from the file tools by design, so a
// read call in it would fail before the file tools ever started.
const workspace = join(home, "work");
await Deno.mkdir(workspace);
await Deno.writeTextFile(join(workspace, "notes.txt"), "bench notes\n");
const runEnv = (url: string) => ({ ...baseEnv, OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: url });

const codex = await findCodex();
await Deno.mkdir(join(REPO, ".bench"), { recursive: true });
const codexHome = await Deno.makeTempDir({ dir: join(REPO, ".bench"), prefix: "codex-home-" });
const codexEnv = {
  PATH: baseEnv.PATH,
  HOME: codexHome,
  CODEX_HOME: codexHome,
  OPENAI_API_KEY: "sk-bench",
  // Everything but the stand-in fails at once instead of waiting on DNS for hosts it cannot reach.
  HTTPS_PROXY: "http://127.0.0.1:9",
  HTTP_PROXY: "http://127.0.0.1:9",
  NO_PROXY: "127.0.0.1,localhost",
};
const codexExec = (url: string) => [
  "exec",
  "--skip-git-repo-check",
  "-c",
  "model_provider=bench",
  "-c",
  `model_providers.bench.base_url=${url}`,
  "-c",
  "model_providers.bench.name=bench",
  "-c",
  "model_providers.bench.wire_api=responses",
  "-c",
  "model_providers.bench.env_key=OPENAI_API_KEY",
  "say hi",
];

const jobs: Record<string, () => Promise<Timed>> = {
  version: () => timed(PIXIR, ["--version"], baseEnv, home),
  many: () => timed(PIXIR, ["run", "say hi"], runEnv(many.url), workspace),
  one: () => timed(PIXIR, ["run", "say hi"], runEnv(one.url), workspace),
  tool: async () => {
    const result = await timed(PIXIR, ["run", "read notes.txt"], runEnv(withTool.url), workspace);
    // Only a read that ran counts: a failed call never starts the file tools.
    if (!/✓ bench notes/.test(result.stderr)) {
      throw new Error(`the read call failed:\n${result.stderr}`);
    }
    return result;
  },
};
if (codex) {
  const command = codex.launcher ?? codex.native;
  jobs.codexVersion = () => timed(command, ["--version"], codexEnv, codexHome);
  jobs.codexNativeVersion = () => timed(codex.native, ["--version"], codexEnv, codexHome);
  jobs.codexMany = () => timed(command, codexExec(codexMany.url), codexEnv, codexHome);
  jobs.codexNativeMany = () => timed(codex.native, codexExec(codexMany.url), codexEnv, codexHome);
  jobs.codexOne = () => timed(codex.native, codexExec(codexOne.url), codexEnv, codexHome);
}
const results = await interleaved(runs, jobs);

console.log(`Pixir benchmarks, ${runs} rounds after a warm-up (from source, scripts/pixir)`);
if (!codex) {
  console.log(
    "  Codex not found (--codex PATH, `codex` on PATH, or npm install --prefix .bench/codex @openai/codex): no ratios",
  );
} else {
  const version = (await new Deno.Command(codex.native, { args: ["--version"], stdout: "piped" })
    .output()).stdout;
  console.log(`  against ${new TextDecoder().decode(version).trim()} (${codex.native})`);
}
const line = (name: string, value: string, verdict = "") =>
  console.log(`  ${name.padEnd(48)} ${value.padStart(10)}   ${verdict}`);
const verdict = (value: number | null, goal: number, unit = "") =>
  value === null ? "n/a" : `goal ≤ ${goal}${unit}   ${value <= goal ? "ok" : "OVER"}`;

line("pixir --version (median ms)", String(round(ms(results.version))));
if (codex) {
  const r = ratio(ms(results.version), ms(results.codexVersion));
  const native = ms(results.codexNativeVersion);
  line("codex --version, as installed (median ms)", String(round(ms(results.codexVersion))));
  line("  ratio pixir / codex", `${r}×`, verdict(r, 0.6, "×"));
  line("codex --version, native binary alone (median ms)", String(round(native)));
  line("  ratio pixir / codex native binary", `${ratio(ms(results.version), native)}×`);
}
line("pixir run, 2000-delta answer (median ms)", String(round(ms(results.many))));
line("pixir run, same text in 1 delta (median ms)", String(round(ms(results.one))));
line("  client overhead of 2000 deltas (ms)", String(round(ms(results.many) - ms(results.one))));
if (codex) {
  const r = ratio(ms(results.many), ms(results.codexMany));
  const native = ms(results.codexNativeMany);
  line("codex exec, 2000-delta answer, as installed (ms)", String(round(ms(results.codexMany))));
  line("  ratio pixir / codex, 2000-delta answer", `${r}×`, verdict(r, 0.65, "×"));
  line("codex exec, 2000 deltas, native binary (ms)", String(round(native)));
  line("  ratio pixir / codex native binary", `${ratio(ms(results.many), native)}×`);
  line("codex exec, same text in 1 delta, native (ms)", String(round(ms(results.codexOne))));
  line("  codex client overhead of 2000 deltas (ms)", String(round(native - ms(results.codexOne))));
}
const textRss = mb(results.many);
const toolRss = mb(results.tool);
line("peak RSS, 2000-delta text run (median MB)", String(textRss), verdict(textRss, 60, " MB"));
line("peak RSS, run with a read call (median MB)", String(toolRss), verdict(toolRss, 70, " MB"));
if (codex) {
  line("codex exec peak RSS, 2000-delta answer (MB)", String(mb(results.codexNativeMany)));
}

// Bytes on the wire: a 20-turn session with the ChatGPT backend stand-in.
const issuer = createAuthIssuer();
const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(" ");
await using backend = startChatgptBackend(issuer, [{ sse: textAnswer(`${words}.`) }]);
const sessionHome = await Deno.makeTempDir({ prefix: "pixir-bench-wire-" });
await seedAuthFile(sessionHome, chatgptLogin(backend.origin, issuer.issueTokens()));
const wireEnv = {
  ...baseEnv,
  HOME: sessionHome,
  PIXIR_HOME: sessionHome,
  PIXIR_CHATGPT_BASE_URL: backend.url,
};
for (let turn = 0; turn < TURNS; turn++) {
  const prompt = `turn ${turn}: tell me more about ${words.slice(0, 60)}`;
  const args = turn === 0 ? ["run", prompt] : ["resume", "--last", prompt];
  await timed(PIXIR, args, wireEnv, sessionHome);
}
const sent = backend.requests.filter((r) => r.path.endsWith("/responses"));
const wire = sent.reduce((sum, r) => sum + r.wireBytes, 0);
const plain = sent.reduce((sum, r) => sum + new TextEncoder().encode(r.text).length, 0);
const compressed = sent.filter((r) => r.headers["content-encoding"] === "zstd").length;
line(`${TURNS}-turn session, request bytes plain (before)`, `${round(plain / 1024)} kB`);
line(
  `${TURNS}-turn session, bytes on the wire (zstd)`,
  `${round(wire / 1024)} kB`,
  `${ratio(wire, plain)}× of plain; ${compressed}/${sent.length} requests compressed`,
);

await Deno.remove(home, { recursive: true });
await Deno.remove(sessionHome, { recursive: true });
await Deno.remove(codexHome, { recursive: true });
await Deno.writeTextFile(
  join(REPO, ".bench", "latest.json"),
  JSON.stringify(
    {
      runs,
      version_ms: round(ms(results.version)),
      run_2000_deltas_ms: round(ms(results.many)),
      run_1_delta_ms: round(ms(results.one)),
      peak_rss_text_mb: textRss,
      peak_rss_tool_mb: toolRss,
      codex_version_ms: codex ? round(ms(results.codexVersion)) : null,
      codex_2000_deltas_ms: codex ? round(ms(results.codexMany)) : null,
      wire_bytes_plain: plain,
      wire_bytes_zstd: wire,
    },
    null,
    2,
  ) + "\n",
);
