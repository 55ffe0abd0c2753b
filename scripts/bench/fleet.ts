// deno-lint-ignore-file no-console
/**
 * A fleet on one subscription: one holder and N workers (default 50), each worker with its own
 * Pixir home and workspace, all on one access-only bundle, against the loopback stand-in. The
 * holder's sign-in starts with a short-lived token (--token-seconds, default 300: long enough for
 * the first round on a loaded machine). From source (`scripts/pixir`), at most --parallel at a time.
 *   1. the holder exports a bundle (its token is fresh: no refresh); every worker runs a task;
 *   2. the bundle expires mid-fleet: every worker's next turn (`pixir resume`) ends with exit 7;
 *   3. the holder exports once more (one refresh); every worker resumes its session.
 * Prints answered, refresh grants (holder and workers), reuse errors, exit codes, lost sessions and
 * wall times. Expected: N/N answered, 1 refresh on the holder, 0 on workers, 0 reuse errors,
 * N/N ended with 7 at expiry, 0 lost sessions.
 * Usage: scripts/deno run -P=test scripts/bench/fleet.ts [--workers N] [--parallel P]
 *        [--token-seconds S]
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createAuthIssuer } from "../../tests/fakes/auth_server.ts";
import { textAnswer } from "../../tests/fakes/fixtures.ts";
import {
  ACCOUNT,
  chatgptLogin,
  seedAuthFile,
  startChatgptBackend,
} from "../../tests/cli/helpers.ts";
import { denoDir } from "../../tests/harness/cli.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PIXIR = join(REPO, "scripts", "pixir");
const BUNDLE_INVALID_EXIT = 7;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    workers: { type: "string" },
    parallel: { type: "string" },
    "token-seconds": { type: "string" },
  },
});
const workers = Number(values.workers ?? 50);
const parallel = Number(values.parallel ?? 8);
const tokenSeconds = Number(values["token-seconds"] ?? 300);

/** How one pixir command ended. */
interface Ended {
  code: number;
  stdout: string;
  stderr: string;
}

const cache = await denoDir();
const root = await Deno.makeTempDir({ prefix: "pixir-fleet-" });

/** Runs `pixir args` with its own home and workspace, and only `env` besides. */
async function pixir(home: string, args: string[], env: Record<string, string>): Promise<Ended> {
  const out = await new Deno.Command(PIXIR, {
    args,
    cwd: join(home, "workspace"),
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: home,
      PIXIR_HOME: join(home, "pixir"),
      DENO_DIR: cache,
      DENO_NO_UPDATE_CHECK: "1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** `f` over 0..n-1, at most `parallel` at a time, results in order. */
async function pool<T>(n: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      results[i] = await f(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, lane));
  return results;
}

async function makeHome(name: string): Promise<string> {
  const home = join(root, name);
  await Deno.mkdir(join(home, "workspace"), { recursive: true });
  await Deno.mkdir(join(home, "pixir"), { recursive: true, mode: 0o700 });
  return home;
}

/** The counts of each exit code, as `code×count`. */
function codes(results: readonly Ended[]): string {
  const counts = new Map<number, number>();
  for (const r of results) counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([c, n]) => `${c}×${n}`).join(" ");
}

// The sign-in the holder starts with is short-lived (--token-seconds); a refresh mints an hour.
const issuer = createAuthIssuer({ account: ACCOUNT, accessTokenSeconds: 3600 });
await using server = startChatgptBackend(issuer, () => ({ sse: textAnswer("Done.") }));
const backend = { PIXIR_CHATGPT_BASE_URL: server.url };
const holder = await makeHome("holder");
await seedAuthFile(
  join(holder, "pixir"),
  chatgptLogin(server.origin, issuer.issueTokens({ accessTokenSeconds: tokenSeconds })),
);
const homes = await Promise.all(Array.from({ length: workers }, (_, i) => makeHome(`worker-${i}`)));

/** `pixir auth export --access-only --json` on the holder. */
async function exportBundle(minValid: string): Promise<{ bundle: string; expiresAt: number }> {
  const out = await pixir(holder, [
    "auth",
    "export",
    "--access-only",
    "--json",
    "--min-valid",
    minValid,
  ], backend);
  if (out.code !== 0) throw new Error(`export failed (${out.code}): ${out.stderr}`);
  const parsed = JSON.parse(out.stdout);
  return {
    bundle: parsed.bundle,
    expiresAt: Date.parse(parsed.expires_at) || parsed.expires_at * 1000,
  };
}

console.log(`fleet: ${workers} workers, ${parallel} at a time, tokens live ${tokenSeconds} s`);
const first = await exportBundle("10s");
const refreshesAtStart = issuer.refreshRequests;

let t0 = performance.now();
const ran = await pool(
  workers,
  (i) =>
    pixir(homes[i], ["run", "--json", `task ${i}`], {
      ...backend,
      PIXIR_ACCESS_BUNDLE: first.bundle,
    }),
);
const runSeconds = (performance.now() - t0) / 1000;
const sessions = ran.map((r) =>
  r.code === 0 ? JSON.parse(r.stdout.trim().split("\n").at(-1)!).session_id : undefined
);
const answered = ran.filter((r) => r.code === 0).length;
const workerRefreshesRun = issuer.refreshRequests - refreshesAtStart;
console.log(
  `1. run:     ${answered}/${workers} answered in ${runSeconds.toFixed(1)} s (exit codes ${
    codes(ran)
  })`,
);

/** Every worker's next turn of its session, on `bundle`. */
function resumeAll(bundle: string): Promise<Ended[]> {
  return pool(
    workers,
    (i) =>
      sessions[i] === undefined
        ? Promise.resolve({ code: -1, stdout: "", stderr: "no session" })
        : pixir(homes[i], ["resume", "--json", sessions[i], "next step"], {
          ...backend,
          PIXIR_ACCESS_BUNDLE: bundle,
        }),
  );
}

const wait = first.expiresAt - Date.now() + 1000;
if (wait > 0) {
  console.log(`   waiting ${(wait / 1000).toFixed(0)} s for the bundle to expire`);
  await new Promise((resolve) => setTimeout(resolve, wait));
}
t0 = performance.now();
const expired = await resumeAll(first.bundle);
const expiredSeconds = (performance.now() - t0) / 1000;
const endedWith7 = expired.filter((r) => r.code === BUNDLE_INVALID_EXIT).length;
const workerRefreshesExpired = issuer.refreshRequests - refreshesAtStart - workerRefreshesRun;
console.log(
  `2. expired: ${endedWith7}/${workers} ended with exit ${BUNDLE_INVALID_EXIT} in ${
    expiredSeconds.toFixed(1)
  } s (exit codes ${codes(expired)})`,
);

const holderBefore = issuer.refreshRequests;
const second = await exportBundle("30m");
const holderRefreshes = refreshesAtStart + (issuer.refreshRequests - holderBefore);
const refreshesBeforeResume = issuer.refreshRequests;
t0 = performance.now();
const resumed = await resumeAll(second.bundle);
const resumeSeconds = (performance.now() - t0) / 1000;
const resumedOk = resumed.filter((r) => r.code === 0).length;
const workerRefreshes = workerRefreshesRun + workerRefreshesExpired +
  (issuer.refreshRequests - refreshesBeforeResume);
console.log(
  `3. resumed: ${resumedOk}/${workers} sessions continued in ${
    resumeSeconds.toFixed(1)
  } s after one re-export (exit codes ${codes(resumed)})`,
);

const lost = workers - resumedOk;
console.log("");
console.log(
  `answered ${answered}/${workers} · refresh grants: holder ${holderRefreshes}, workers ${workerRefreshes} · reuse errors ${issuer.reusedRefreshes} · ended with ${BUNDLE_INVALID_EXIT} at expiry ${endedWith7}/${workers} · lost sessions ${lost}`,
);
console.log(
  `wall: run ${runSeconds.toFixed(1)} s (${(workers / runSeconds).toFixed(2)} runs/s), expiry ${
    expiredSeconds.toFixed(1)
  } s, resume ${resumeSeconds.toFixed(1)} s`,
);
const expected = answered === workers && holderRefreshes === 1 && workerRefreshes === 0 &&
  issuer.reusedRefreshes === 0 && endedWith7 === workers && lost === 0;
console.log(expected ? "as expected" : "NOT as expected");
const failed = [...ran, ...resumed].find((r) => r.code !== 0);
if (failed) console.log(`first failure's stderr:\n${failed.stderr}`);
await Deno.remove(root, { recursive: true });
Deno.exit(expected ? 0 : 1);
