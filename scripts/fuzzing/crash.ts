// deno-lint-ignore-file no-console
/**
 * The crash test: Pixir is killed with SIGKILL at random moments — while it streams an answer,
 * runs a tool (a shell command, or a write that keeps an undo copy first), compacts a session,
 * refreshes a short-lived ChatGPT sign-in, or writes its log — against the loopback stand-ins, as
 * many times as asked. After every kill it checks what a person would find:
 *
 * - every session log is listed, and each opens (whole, and from its last compaction) for a resume;
 * - `auth.json` parses, and its refresh token still signs in (else the sign-in was lost);
 * - no partial file: stale temp files and empty logs are counted right after the kill, and again
 *   after the next start (goal 0);
 * - every undo copy a log names is whole, and undoing the session's last turn restores its files;
 * - every session summary the kill left (`<id>.summary.json`) parses and, brought up to date with
 *   the log, says what a summary rebuilt from the whole log says; after the listing, every log has
 *   a summary that covers it (the next listing reads no log);
 * - every tenth kill, a real `pixir resume --last` continues the newest session.
 *
 * Usage: scripts/fuzz crash [--kills N] [--parallel P] [--seed S]
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { listSessions } from "../../src/agent/session_list.ts";
import { openSession } from "../../src/agent/session.ts";
import { sessionIds, sessionPath, snapshotsDirOf } from "../../src/agent/session_dir.ts";
import { currentSummary, summaryPathOf } from "../../src/agent/session_summary.ts";
import { CorruptSessionError } from "../../src/agent/session_error.ts";
import { foldHistory } from "../../src/agent/history.ts";
import { applyUndo, planUndo } from "../../src/agent/undo.ts";
import { confinedUndoFiles } from "../../src/app/undo.ts";
import {
  authFileLocation,
  chatgptAuth,
  readAuthFile,
  withAuthFile,
} from "../../src/auth/auth_file.ts";
import { removeStaleTemps } from "../../src/util/atomic_write.ts";
import { createAuthIssuer, ISSUER_CLIENT_ID } from "../../tests/fakes/auth_server.ts";
import { textAnswer, toolCallAnswer } from "../../tests/fakes/fixtures.ts";
import { type ResponsesServer } from "../../tests/fakes/responses_server.ts";
import type { RecordedRequest } from "../../tests/fakes/loopback_server.ts";
import type { Reply } from "../../tests/fakes/reply.ts";
import { chatgptLogin, seedAuthFile, startChatgptBackend } from "../../tests/cli/helpers.ts";
import { denoDir, pixirArgv } from "../../tests/harness/cli.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DENO = join(REPO, "scripts", "deno");

const { values } = parseArgs({
  args: Deno.args,
  options: {
    kills: { type: "string", default: "1000" },
    parallel: { type: "string", default: "2" },
    seed: { type: "string" },
  },
});
const KILLS = Number(values.kills);
const PARALLEL = Number(values.parallel);
if (!(KILLS > 0) || !(PARALLEL > 0)) {
  console.error("scripts/fuzz crash: --kills and --parallel take positive numbers");
  Deno.exit(2);
}

/** A small seeded generator (mulberry32), so a batch can be replayed with --seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const random = seeded(SEED);

// ---- the stand-ins ----------------------------------------------------------------------------

/** The issuer answers this long after it spent the refresh token: the network's share of the window. */
const ISSUER_DELAY_MS = 40;
const issuer = createAuthIssuer({ accessTokenSeconds: 60, refreshDelayMs: ISSUER_DELAY_MS });
const SLOW = { delayMs: 25 };

function replyFor(request: RecordedRequest): Reply {
  const body = request.body as { input?: { type?: string; role?: string; content?: unknown }[] };
  const input = body?.input ?? [];
  const text = JSON.stringify(input.at(-1) ?? {});
  if (text.includes("Summarise the conversation above")) {
    return streamed(`Summary: ${"decisions and files. ".repeat(20)}`, 30);
  }
  if (input.at(-1)?.type === "function_call_output") {
    return streamed(`Done. ${"ok ".repeat(30)}`, 30);
  }
  if (text.includes("crash-write")) {
    const n = Math.floor(random() * 3);
    return {
      sse: toolCallAnswer({
        callId: `call_w${Date.now()}`,
        name: "write",
        arguments: JSON.stringify({
          path: `notes/${n}.txt`,
          content: `v${Date.now()}\n`.repeat(200),
        }),
      }),
      ...SLOW,
    };
  }
  if (text.includes("crash-shell")) {
    return {
      sse: toolCallAnswer({
        callId: `call_s${Date.now()}`,
        name: "bash",
        arguments: JSON.stringify({ command: "sleep 0.4" }),
      }),
      ...SLOW,
    };
  }
  if (text.includes("continue after the crash")) return { sse: textAnswer("continued") };
  return streamed(`Answer: ${"word ".repeat(40)}`, 40);
}

/** A text cut into `n` deltas, so it streams in pieces. */
function pieces(text: string, n: number): { deltas: string[] } {
  const size = Math.ceil(text.length / n);
  const deltas: string[] = [];
  for (let at = 0; at < text.length; at += size) deltas.push(text.slice(at, at + size));
  return { deltas };
}

function streamed(text: string, n: number): Reply {
  return { sse: textAnswer(text, pieces(text, n)), ...SLOW };
}

const server: ResponsesServer = startChatgptBackend(issuer, (request) => replyFor(request), {});

// ---- one world: a Pixir home and a workspace, killed again and again ----------------------------

interface World {
  root: string;
  home: string;
  sessionsDir: string;
  workspace: string;
}

async function makeWorld(i: number, root: string): Promise<World> {
  const world = {
    root: join(root, `w${i}`),
    home: join(root, `w${i}`, "home"),
    sessionsDir: join(root, `w${i}`, "home", "sessions"),
    workspace: join(root, `w${i}`, "ws"),
  };
  await Deno.mkdir(join(world.workspace, "notes"), { recursive: true });
  await Deno.mkdir(world.home, { recursive: true });
  await seedLogin(world);
  return world;
}

async function seedLogin(world: World): Promise<void> {
  await seedAuthFile(
    world.home,
    chatgptLogin(server.origin, issuer.issueTokens({ accessTokenSeconds: 60 })),
  );
}

const env = async (world: World) => ({
  PATH: Deno.env.get("PATH") ?? "",
  HOME: world.root,
  PIXIR_HOME: world.home,
  PIXIR_CHATGPT_BASE_URL: server.url,
  PIXIR_RETRY_BASE_MS: "1",
  DENO_DIR: await denoDir(),
  DENO_NO_UPDATE_CHECK: "1",
});

/** Deno's arguments that run Pixir with `args`, as the end-to-end tests run it. */
function pixir(args: string[]): string[] {
  return pixirArgv(args).slice(1);
}

type Scenario = "stream" | "write" | "shell" | "compact" | "resume";

function pickScenario(): Scenario {
  const r = random();
  return r < 0.3
    ? "stream"
    : r < 0.55
    ? "write"
    : r < 0.7
    ? "shell"
    : r < 0.85
    ? "resume"
    : "compact";
}

async function argsFor(scenario: Scenario, world: World): Promise<string[]> {
  switch (scenario) {
    case "stream":
      return ["run", "explain the code"];
    case "write":
      return ["run", "crash-write a note"];
    case "shell":
      return ["run", "--allow-run=sleep", "crash-shell wait a bit"];
    case "resume":
      return (await sessionIds(world.sessionsDir)).length > 0
        ? ["resume", "--last", "crash-write another note"]
        : ["run", "crash-write a first note"];
    case "compact": {
      const ids = await sessionIds(world.sessionsDir);
      return ids.length > 0
        ? ["compact", ids[Math.floor(random() * ids.length)]]
        : ["run", "hello"];
    }
  }
}

// ---- the checks ---------------------------------------------------------------------------------

interface Tally {
  kills: number;
  byScenario: Record<string, number>;
  /** What the newest log last held when the kill came: where in a turn it struck. */
  struckAt: Record<string, number>;
  sessionsIntact: number;
  sessionsChecked: number;
  corruptLogs: number;
  corruptAuth: number;
  leftoversAfterKill: number;
  leftoversAfterStart: number;
  signInsLost: number;
  refreshes: number;
  undoChecked: number;
  undoFailed: number;
  blobsBroken: number;
  resumes: number;
  resumesFailed: number;
  /** Summaries checked against a rebuild from the log, and those that disagreed or did not parse. */
  summariesChecked: number;
  summariesWrong: number;
  /** Logs whose summary still did not cover them after a listing. */
  summariesStale: number;
  problems: string[];
}

const tally: Tally = {
  kills: 0,
  byScenario: {},
  struckAt: {},
  sessionsIntact: 0,
  sessionsChecked: 0,
  corruptLogs: 0,
  corruptAuth: 0,
  leftoversAfterKill: 0,
  leftoversAfterStart: 0,
  signInsLost: 0,
  refreshes: 0,
  undoChecked: 0,
  undoFailed: 0,
  blobsBroken: 0,
  resumes: 0,
  resumesFailed: 0,
  summariesChecked: 0,
  summariesWrong: 0,
  summariesStale: 0,
  problems: [],
};

/** Refreshes made by the checks themselves, not by Pixir. */
let verifications = 0;

const TEMP = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/** Temp files and empty logs anywhere under the home. */
async function leftovers(world: World): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (TEMP.test(entry.name)) found.push(path);
      else if (entry.name.endsWith(".ndjson") && (await Deno.stat(path)).size === 0) {
        found.push(path);
      }
    }
  };
  await walk(world.home);
  return found;
}

function problem(text: string): void {
  tally.problems.push(text);
  console.log(`  ! ${text}`);
}

async function check(world: World, round: number): Promise<void> {
  tally.leftoversAfterKill += (await leftovers(world)).length;

  // The next start: what `pixir` does before any command, then what a resume does on opening.
  for (const dir of [world.home, world.sessionsDir]) await removeStaleTemps(dir);

  const ids = await sessionIds(world.sessionsDir);
  for (const id of ids) await checkSummary(world, id);
  const listing = await listSessions(world.sessionsDir);
  for (const id of ids) {
    const after = await currentSummary(id, sessionPath(world.sessionsDir, id));
    if (typeof after !== "string" && after.stale) {
      tally.summariesStale += 1;
      problem(`summary of ${id} still behind its log after a listing`);
    }
  }
  tally.sessionsChecked += ids.length;
  tally.sessionsIntact += listing.sessions.length;
  for (const skipped of listing.skipped) problem(`not listed: ${skipped.path}: ${skipped.reason}`);

  const newest = ids.at(-1);
  if (newest !== undefined) {
    for (const fromLastCompaction of [false, true]) {
      try {
        const session = await openSession(world.sessionsDir, newest, {
          now: Date.now,
          fromLastCompaction,
        });
        foldHistory(session.events, "gpt-5.5");
        const last = session.events.at(-1)?.type ?? "none";
        if (!fromLastCompaction) tally.struckAt[last] = (tally.struckAt[last] ?? 0) + 1;
        if (!fromLastCompaction) await checkUndo(world, session, round);
        session.release();
      } catch (error) {
        tally.corruptLogs += 1;
        problem(
          `cannot open ${newest}: ${error instanceof CorruptSessionError ? error.message : error}`,
        );
      }
    }
  }
  tally.leftoversAfterStart += (await leftovers(world)).length;
  for (const path of await leftovers(world)) problem(`left after the next start: ${path}`);

  await checkSignIn(world);
  if (round % 10 === 0 && newest !== undefined) await checkResume(world);
}

/**
 * The summary a kill left beside a log: it must parse (or be absent) and, folded up to the log's
 * end, agree with a summary rebuilt from the whole log (the same log copied where it has none).
 */
async function checkSummary(world: World, id: string): Promise<void> {
  const path = sessionPath(world.sessionsDir, id);
  const saved = await Deno.readTextFile(summaryPathOf(path)).catch(() => null);
  if (saved === null) return;
  tally.summariesChecked += 1;
  try {
    JSON.parse(saved);
  } catch {
    tally.summariesWrong += 1;
    problem(`summary of ${id} does not parse: ${saved.slice(0, 80)}`);
    return;
  }
  const copyDir = join(world.root, "summary-check");
  await Deno.mkdir(copyDir, { recursive: true });
  const copy = sessionPath(copyDir, id);
  await Deno.copyFile(path, copy);
  try {
    const kept = await currentSummary(id, path);
    const rebuilt = await currentSummary(id, copy);
    const facts = (s: typeof kept) =>
      typeof s === "string" ? s : JSON.stringify({ ...s.record, logMtime: null });
    if (facts(kept) !== facts(rebuilt)) {
      tally.summariesWrong += 1;
      problem(`summary of ${id} disagrees with its log: ${facts(kept)} vs ${facts(rebuilt)}`);
    }
  } finally {
    await Deno.remove(copyDir, { recursive: true });
  }
}

async function checkUndo(
  world: World,
  session: Awaited<ReturnType<typeof openSession>>,
  round: number,
): Promise<void> {
  const dir = snapshotsDirOf(session.path);
  for (const event of session.events) {
    if (event.type !== "file_snapshot" || event.data.blob === undefined) continue;
    const size = await Deno.stat(join(dir, event.data.blob)).then((s) => s.size, () => -1);
    if (size !== event.data.size) {
      tally.blobsBroken += 1;
      problem(
        `undo copy ${event.data.blob} of ${session.id}: ${size} bytes, logged ${event.data.size}`,
      );
    }
  }
  if (round % 5 !== 0) return;
  const paths = { configDir: world.home, dataDir: world.home, sessionsDir: world.sessionsDir };
  const files = await confinedUndoFiles(session.started.cwd, session.events, paths);
  try {
    const plan = await planUndo(session, files);
    if (!plan.ok) return; // nothing to undo in this session
    tally.undoChecked += 1;
    const done = await applyUndo(session, plan.plan, files);
    const missing = done.skipped.filter((s) => !/changed|since/.test(s.reason));
    if (missing.length > 0) {
      tally.undoFailed += 1;
      problem(`undo of ${session.id} skipped: ${JSON.stringify(missing)}`);
    }
  } catch (error) {
    tally.undoFailed += 1;
    problem(`undo of ${session.id} failed: ${error}`);
  } finally {
    files.close();
  }
  void world;
}

async function checkSignIn(world: World): Promise<void> {
  let auth;
  try {
    auth = await readAuthFile(authFileLocation(world.home));
  } catch (error) {
    tally.corruptAuth += 1;
    problem(`auth.json: ${error}`);
    await seedLogin(world);
    return;
  }
  if (auth?.method !== "chatgpt") {
    tally.corruptAuth += 1;
    problem("auth.json is gone");
    await seedLogin(world);
    return;
  }
  // Signs in: the stored refresh token is still one the issuer accepts.
  const response = await fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      client_id: ISSUER_CLIENT_ID,
      refresh_token: auth.tokens.refresh_token,
    }),
  });
  const body = await response.json();
  verifications += 1;
  if (response.ok) {
    await seedAuthFile(world.home, chatgptLogin(server.origin, body));
  } else {
    tally.signInsLost += 1;
    await seedLogin(world);
  }
}

async function checkResume(world: World): Promise<void> {
  tally.resumes += 1;
  const out = await new Deno.Command(DENO, {
    args: pixir(["resume", "--last", "continue after the crash"]),
    cwd: world.workspace,
    env: await env(world),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (out.code !== 0 || stdout !== "continued\n") {
    tally.resumesFailed += 1;
    problem(
      `resume --last: exit ${out.code}: ${new TextDecoder().decode(out.stderr).slice(0, 300)}`,
    );
  }
}

// ---- the loop -------------------------------------------------------------------------------------

async function killOnce(world: World, round: number): Promise<void> {
  const scenario = pickScenario();
  tally.byScenario[scenario] = (tally.byScenario[scenario] ?? 0) + 1;
  const child = new Deno.Command(DENO, {
    args: pixir(await argsFor(scenario, world)),
    cwd: world.workspace,
    env: await env(world),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Anywhere from the start to a little past a whole run's time on this machine now (Deno starts in
  // ~0.5 s on a quiet one, a refresh and the turn take 1–2.5 s more; a loaded one is slower), so
  // the kills fall across every phase rather than mostly before the session exists.
  const delay = 250 + random() * Math.max(3000, 1.3 * wholeRunMs);
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // It had already finished: this round checks a clean end instead.
    }
  }, delay);
  const status = await child.status;
  clearTimeout(timer);
  if (status.signal === "SIGKILL") tally.kills += 1;
  await check(world, round);
}

const root = await Deno.makeTempDir({ prefix: "pixir-crash-" });
/** How long a whole run takes here, measured once before the kills (see `killOnce`). */
let wholeRunMs = 0;
{
  const world = await makeWorld(-1, root);
  const start = performance.now();
  await new Deno.Command(DENO, {
    args: pixir(["run", "crash-write a first note"]),
    cwd: world.workspace,
    env: await env(world),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).output();
  wholeRunMs = performance.now() - start;
}
const started = performance.now();
console.log(
  `crash test: ${KILLS} kills, ${PARALLEL} at a time, seed ${SEED}, in ${root}; ` +
    `a whole run takes ${Math.round(wholeRunMs)} ms here`,
);
const refreshesBefore = issuer.refreshRequests;
let rounds = 0;
try {
  const worlds = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => makeWorld(i, root)));
  await Promise.all(worlds.map(async (world) => {
    while (tally.kills < KILLS) {
      rounds += 1;
      await killOnce(world, rounds);
      if (rounds % 50 === 0) {
        console.log(
          `  ${tally.kills} kills, ${Math.round((performance.now() - started) / 1000)} s`,
        );
      }
    }
  }));
} finally {
  await server.close();
}
tally.refreshes = issuer.refreshRequests - refreshesBefore - verifications;

/**
 * The part of the sign-in window Pixir controls: from the issuer's reply in memory to the rotated
 * tokens safely on disk (temp file, fsync, rename), timed in this process.
 */
async function saveWindowMs(world: World): Promise<number> {
  const location = authFileLocation(join(world.root, "window"));
  const auth = chatgptAuth(
    { ...issuer.issueTokens(), account_id: "acct_window" },
    server.origin,
    Date.now(),
  );
  const times: number[] = [];
  await withAuthFile(location, async (file) => {
    for (let i = 0; i < 41; i++) {
      const start = performance.now();
      await file.write(auth);
      times.push(performance.now() - start);
    }
  });
  return times.sort((a, b) => a - b)[20];
}
const windowMs = await saveWindowMs({ root, home: "", sessionsDir: "", workspace: "" });

const seconds = Math.round((performance.now() - started) / 1000);
console.log(`
kills                        ${tally.kills} (of ${rounds} runs; the rest ended before their kill)
by scenario                  ${JSON.stringify(tally.byScenario)}
struck after (last event)    ${JSON.stringify(tally.struckAt)}
sessions intact              ${tally.sessionsIntact} of ${tally.sessionsChecked} listings of a log
corrupt files                ${
  tally.corruptLogs + tally.corruptAuth
} (logs ${tally.corruptLogs}, auth.json ${tally.corruptAuth}) — goal 0
undo copies broken           ${tally.blobsBroken}; undos tried ${tally.undoChecked}, failed ${tally.undoFailed}
resume --last                ${tally.resumes} tried, ${tally.resumesFailed} failed
session summaries            ${tally.summariesChecked} left by a kill checked against their log: ${tally.summariesWrong} wrong or unreadable — goal 0; ${tally.summariesStale} still behind after a listing — goal 0
leftovers after the kill     ${tally.leftoversAfterKill} temp files or empty logs
leftovers after next start   ${tally.leftoversAfterStart} — goal 0
sign-ins lost                ${tally.signInsLost} of ${tally.refreshes} refreshes (the issuer had spent the refresh token, the kill came before the reply was saved)
  window                     the issuer's ${ISSUER_DELAY_MS} ms (simulated network) + ${
  windowMs.toFixed(1)
} ms (median) from the reply in memory to auth.json synced and renamed
time                         ${seconds} s, seed ${SEED}`);
await Deno.remove(root, { recursive: true }).catch(() => undefined);
Deno.exit(
  tally.problems.length === 0 && tally.corruptLogs + tally.corruptAuth + tally.summariesWrong === 0
    ? 0
    : 1,
);
