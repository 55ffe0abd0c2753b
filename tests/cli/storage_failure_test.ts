/**
 * A read-only, full or unwritable Pixir home, for real: the home is a small tmpfs mounted in a
 * private mount namespace (`unshare -rm`), remounted read-only or filled up at the moment the model
 * is asked, so the failure lands in the middle of a turn. Where user namespaces are not available
 * those tests are skipped, and say so.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { readWholeLog } from "../../src/agent/session_read.ts";
import { sessionIds } from "../../src/agent/session_dir.ts";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import type { Reply } from "../fakes/reply.ts";
import { assertNoStackTrace, jsonOutput, type Sandbox, sandbox } from "./helpers.ts";

const NAMESPACES = await new Deno.Command("unshare", { args: ["-rm", "true"], stderr: "null" })
  .output().then((status) => status.success, () => false);
const SKIP = NAMESPACES ? "" : " (SKIPPED: unshare -rm is not available here)";

/**
 * Runs inside the namespace: mounts a tmpfs on the home ($1), optionally remounts it read-only
 * at once ($3 = ro), and starts a watcher that damages it (`full` or `ro`, read from $2/go) when
 * the test asks; runs Pixir; copies the sessions out to $2 so the test can read what was left.
 */
const SCRIPT = `
H="$1"; OUT="$2"; START="$3"; shift 3
mount -t tmpfs -o size=1m,mode=0700 tmpfs "$H" || exit 90
[ "$START" = ro ] && { mount -o remount,ro "$H" || exit 91; }
(
  i=0
  while [ ! -e "$OUT/go" ] && [ $i -lt 1500 ]; do sleep 0.02; i=$((i+1)); done
  case "$(cat "$OUT/go" 2>/dev/null)" in
    full) cat /dev/zero > "$H/fill" 2>/dev/null ;;
    ro) mount -o remount,ro "$H" ;;
  esac
  touch "$OUT/done"
) &
watcher=$!
"$@"
code=$?
kill $watcher 2>/dev/null
[ -d "$H/sessions" ] && cp -a "$H/sessions" "$OUT/sessions"
exit $code
`;

interface Confined {
  box: Sandbox;
  out: string;
  run(args: string[], options?: { start?: "ro"; reply?: Reply; damage?: "full" | "ro" }): Promise<
    { code: number; stdout: string; stderr: string }
  >;
}

async function confined(): Promise<Confined & AsyncDisposable> {
  const box = await sandbox();
  const out = join(box.root, "out");
  await Deno.mkdir(out);
  return {
    box,
    out,
    async run(args, options = {}) {
      // Told to damage the home when the model is asked: the turn has begun, nothing answered.
      await using server = startResponsesServer({
        script: async () => {
          if (options.damage) {
            await Deno.writeTextFile(join(out, "go"), options.damage);
            for (let i = 0; i < 250 && !(await exists(join(out, "done"))); i++) {
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
          }
          return options.reply ?? { sse: textAnswer("ok") };
        },
      });
      return await box.run(args, {
        server,
        wrap: ["unshare", "-rm", "sh", "-c", SCRIPT, "sh", box.home, out, options.start ?? ""],
        timeoutMs: 30_000,
      });
    },
    [Symbol.asyncDispose]: () => box[Symbol.asyncDispose](),
  };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

// Longer than a page, so appending it needs a block the full file system no longer has.
const ANSWER = `The streamed answer, all of it, even though the log could not take it. ${
  "More words. ".repeat(1000)
}The end.`;

for (const damage of ["full", "ro"] as const) {
  const what = damage === "full" ? "no space left on the device" : "the file system is read-only";
  Deno.test({
    name: `a home that becomes ${
      damage === "full" ? "full" : "read-only"
    } mid-turn: the answer is shown, the folder named, the log readable${SKIP}`,
    ignore: !NAMESPACES,
    async fn() {
      await using env = await confined();
      const reply = {
        sse: textAnswer(ANSWER, { deltas: [ANSWER.slice(0, 20), ANSWER.slice(20)] }),
      };

      const plain = await env.run(["run", "say something"], { damage, reply });

      assert.equal(plain.code, 1, plain.stderr);
      assert.equal(plain.stdout, `${ANSWER}\n`);
      const folder = join(env.box.home, "sessions");
      assert.match(plain.stderr, new RegExp(`pixir: cannot write in ${folder}: ${what}\\n`));
      assert.match(plain.stderr, /or set PIXIR_HOME to a writable folder/);
      assert.match(plain.stderr, /continue with: pixir resume \S+/);
      assert.doesNotMatch(plain.stderr, /internal error/);
      assertNoStackTrace(plain.stderr);

      // The log, copied out of the namespace, reads up to its last complete event.
      const sessionsDir = join(env.out, "sessions");
      const [id] = await sessionIds(sessionsDir);
      const log = await readWholeLog(id, join(sessionsDir, `${id}.ndjson`));
      const types = log.events.map((e) => e.type);
      assert.deepEqual(types.slice(0, 3), ["session_started", "user_message", "turn_started"]);
      assert.ok(!types.includes("assistant_message"), `the answer could not be logged: ${types}`);
      assert.equal(log.warnings.length, 0, "a failed write leaves no torn line on a full disk");
    },
  });
}

Deno.test({
  name: `run --json on a home that fills up mid-turn prints its one object with the answer${SKIP}`,
  ignore: !NAMESPACES,
  async fn() {
    await using env = await confined();
    const result = await env.run(["run", "--json", "hi"], {
      damage: "full",
      reply: { sse: textAnswer(ANSWER) },
    });
    assert.equal(result.code, 1, result.stderr);
    const final = jsonOutput(result.stdout);
    assert.equal(final.ok, false);
    assert.equal(final.answer, ANSWER);
    assert.equal(final.error?.kind, "io");
    assert.match(String(final.error?.message), /cannot write in .*sessions: no space left/);
    assert.match(String(final.session_id), /^\d{8}-\d{6}-/);
  },
});

Deno.test({
  name:
    `a read-only home: run, run --json, doctor and login each say which folder and how to fix it${SKIP}`,
  ignore: !NAMESPACES,
  async fn() {
    await using env = await confined();
    const home = env.box.home;
    const readOnly = new RegExp(`cannot write in ${home}: the file system is read-only`);

    const run = await env.run(["run", "hi"], { start: "ro" });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, readOnly);
    assert.match(run.stderr, /make .* writable \(remount it read-write\), or set PIXIR_HOME/);
    assert.doesNotMatch(run.stderr, /internal error/);

    const json = await env.run(["run", "--json", "hi"], { start: "ro" });
    assert.equal(json.code, 1, json.stderr);
    const final = jsonOutput(json.stdout);
    assert.equal(final.error?.kind, "io");
    assert.match(String(final.error?.message), readOnly);

    const doctor = await env.run(["doctor", "--offline", "--json"], { start: "ro" });
    assert.equal(doctor.code, 1, doctor.stderr);
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string }[] })
      .checks;
    const config = checks.find((c) => c.id === "path.config");
    assert.equal(config?.status, "error", doctor.stdout);
    assert.match(doctor.stdout, /cannot write in it \(read-only file system\)/);

    // Login stops before it shows a code: no one signs in to credentials that cannot be saved.
    let issuerAsked = 0;
    await using issuer = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => {
      issuerAsked += 1;
      return new Response("{}", { status: 500 });
    });
    const login = await env.box.run(["login"], {
      env: { PIXIR_AUTH_ISSUER: `http://127.0.0.1:${issuer.addr.port}` },
      wrap: ["unshare", "-rm", "sh", "-c", SCRIPT, "sh", home, env.out, "ro"],
    });
    assert.equal(login.code, 1, login.stderr);
    assert.match(login.stderr, readOnly);
    assert.equal(issuerAsked, 0, "the sign-in never started");
  },
});

const ROOT = Deno.uid() === 0;

Deno.test({
  name: `an unwritable home (no write permission) is an io error naming it, not an internal one${
    ROOT ? " (SKIPPED: root may write anywhere; the read-only cases above cover it)" : ""
  }`,
  ignore: ROOT,
  async fn() {
    await using box = await sandbox();
    await Deno.chmod(box.home, 0o500);
    try {
      const result = await box.run(["run", "hi"]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`cannot write in ${box.home}: permission denied`));
      assert.match(result.stderr, /chmod u\+w/);
      const doctor = await box.run(["doctor", "--offline"]);
      assert.equal(doctor.code, 1, doctor.stdout);
      assert.match(doctor.stdout + doctor.stderr, /cannot write in it \(permission denied\)/);
    } finally {
      await Deno.chmod(box.home, 0o700);
    }
  },
});
