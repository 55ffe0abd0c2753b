/**
 * Attacks on the file tools through the real CLI, with the model's calls scripted: a concurrent
 * process swaps a workspace folder for a symlink to Pixir's own folder while the model reads
 * `d/auth.json`, writes `d/permissions.json`, greps for the secret and lists every file again and
 * again. Nothing of Pixir's may be read and no `permissions.json` may land in its folder, with
 * bubblewrap (the file tools then run in a child that sees only the workspace: not even a temp file
 * may land there, nor a name from it be listed) and without it. A second attacker swaps a file for a hardlink to
 * Pixir's auth.json while the model greps the workspace for its content.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { pathWithout } from "../harness/path_without.ts";
import { startFileSwapper, startSwapper, type Swapper } from "../harness/swapper.ts";
import { bubblewrapWorks } from "../harness/bubblewrap.ts";
import { inputOf, type Sandbox, sandbox } from "./helpers.ts";

const SECRET = "REAL-REFRESH-TOKEN-do-not-leak";
const DECOY = "workspace copy, harmless";
/** What a planted permissions.json would grant, were it read from Pixir's folder. */
const PLANTED = JSON.stringify({
  version: 1,
  workspaces: { "/": { policy: { allow_run: true, allow_write: true }, always: [] } },
});
const ROUNDS = 20;
/** A name only Pixir's folder holds: a listing that shows it has walked into that folder. */
const CANARY = "only-in-pixirs-folder.txt";

/** The outputs the model received, by call id, across every request. */
function outputs(requests: readonly RecordedRequest[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const request of requests) {
    for (const item of inputOf(request)) {
      if (item.type === "function_call_output") {
        found.set(String(item.call_id), String(item.output));
      }
    }
  }
  return found;
}

/** A scripted model call. */
interface Call {
  name: string;
  arguments: string;
  callId: string;
}

/**
 * Runs `pixir run` with the model making `calls` while `attack` runs (bubblewrap taken off the
 * PATH when asked); checks it ended well, every call got a result and no request held the
 * secret; returns the outputs by call id.
 */
async function scriptedRun(
  box: Sandbox,
  calls: readonly Call[],
  attack: () => Promise<Swapper>,
  withoutBubblewrap: boolean,
): Promise<Map<string, string>> {
  const env: Record<string, string> = { PIXIR_MAX_ITERATIONS: String(calls.length + 5) };
  if (withoutBubblewrap) {
    const bin = join(box.root, "bin");
    await Deno.mkdir(bin);
    env.PATH = await pathWithout("bwrap", bin);
  }
  await using server = startResponsesServer({
    script: [...calls.map((call) => ({ sse: toolCallAnswer(call) })), {
      sse: textAnswer("Done."),
    }],
  });
  let result;
  {
    await using _attacker = await attack();
    result = await box.run(["run", "--auth", "api-key", "race the file tools"], {
      server,
      env,
      timeoutMs: 120_000,
    });
  }
  assert.equal(result.code, 0, result.stderr);
  const seen = outputs(server.requests);
  assert.equal(seen.size, calls.length, "every call got a result");
  for (const request of server.requests) {
    assert.ok(!request.text.includes(SECRET), "Pixir's auth.json reached the model");
    // Names are protected by the mounts alone: without bubblewrap Deno lists a folder by a path
    // it builds from the pinned directory, which a swap timed between the two can redirect
    // (README, layer 1); contents are judged on the open handle either way.
    if (!withoutBubblewrap) {
      assert.ok(!request.text.includes(CANARY), "a listing named a file in Pixir's folder");
    }
  }
  return seen;
}

async function raceRun(withoutBubblewrap: boolean): Promise<void> {
  await using box = await sandbox({ "d/auth.json": DECOY, "d/permissions.json": "{}" });
  await Deno.writeTextFile(join(box.home, "auth.json"), SECRET);
  await Deno.writeTextFile(join(box.home, CANARY), "");
  const homeBefore = (await Array.fromAsync(Deno.readDir(box.home), (e) => e.name)).sort();
  const calls = Array.from({ length: ROUNDS }, (_, i) => [
    { name: "read", arguments: JSON.stringify({ path: "d/auth.json" }), callId: `r${i}` },
    {
      name: "write",
      arguments: JSON.stringify({ path: "d/permissions.json", content: PLANTED }),
      callId: `w${i}`,
    },
    // Walks, every other round: grep for the secret, list everything.
    i % 2 === 0
      ? { name: "grep", arguments: JSON.stringify({ pattern: "REAL-REFRESH" }), callId: `g${i}` }
      : { name: "find", arguments: JSON.stringify({ pattern: "**/*" }), callId: `f${i}` },
  ]).flat();
  const seen = await scriptedRun(
    box,
    calls,
    () => startSwapper(box.workspace, box.home),
    withoutBubblewrap,
  );
  // Every read is the workspace's own file or a refusal; some were refused (the race was on).
  const reads = [...seen].filter(([id]) => id.startsWith("r")).map(([, output]) => output);
  const refused = reads.filter((output) => output !== DECOY);
  for (const output of refused) assert.match(output, /"ok":false/);
  const writes = [...seen].filter(([id]) => id.startsWith("w")).map(([, output]) => output);
  assert.ok(
    refused.length + writes.filter((output) => output.includes('"ok":false')).length > 0,
    `the swap was never met: ${JSON.stringify([...seen])}`,
  );
  // Nothing landed in Pixir's folder: no permissions.json, no temp file, the secret untouched.
  const homeAfter = (await Array.fromAsync(Deno.readDir(box.home), (e) => e.name)).sort();
  const added = homeAfter.filter((name) => !homeBefore.includes(name));
  // In the bubblewrap child Pixir's folder is not even there: nothing lands in it. Without
  // bubblewrap (verify-after-open alone; README, layer 1) Deno resolves each call's path again, so
  // a swap timed between the checks and the use can leave the temp file there or rename the
  // written file into it (seen once in 26 runs); auth.json is never read or replaced.
  const others = added.filter((name) =>
    name !== "sessions" &&
    (!withoutBubblewrap ||
      (name !== "permissions.json" && !/^\.permissions\.json\..*\.tmp$/.test(name)))
  );
  assert.deepEqual(others, [], `new in Pixir's folder: ${added.join(", ")}`);
  assert.equal(await Deno.readTextFile(join(box.home, "auth.json")), SECRET);
}

Deno.test({
  name:
    "a folder swapped for a symlink to Pixir's folder never leaks auth.json nor plants anything there (file tools in the bubblewrap child)",
  ignore: !(await bubblewrapWorks()),
  async fn() {
    await raceRun(false);
  },
});

Deno.test("the same race without bubblewrap on the PATH (verify-after-open alone)", async () => {
  await raceRun(true);
});

/**
 * Swaps `f.txt` for a hardlink to Pixir's auth.json (kept at the hidden `.hard`, which walks skip)
 * and back while the model greps the workspace for the secret: grep judges the file it opened,
 * not its name, so no line of auth.json is ever shown.
 */
async function hardlinkRace(withoutBubblewrap: boolean): Promise<void> {
  await using box = await sandbox({ "f.txt": "harmless\n" });
  await Deno.writeTextFile(join(box.home, "auth.json"), SECRET);
  await Deno.link(join(box.home, "auth.json"), join(box.workspace, ".hard"));
  const calls = Array.from({ length: ROUNDS }, (_, i) => ({
    name: "grep",
    arguments: JSON.stringify({ pattern: "REAL-REFRESH" }),
    callId: `g${i}`,
  }));
  const seen = await scriptedRun(
    box,
    calls,
    () => startFileSwapper(box.workspace, "f.txt", ".hard"),
    withoutBubblewrap,
  );
  // The swap was met: some searches opened the hardlink and left it out, as unreadable.
  const metIt = [...seen.values()].filter((output) => /unreadable/.test(output));
  assert.ok(metIt.length > 0, `the swap was never met: ${JSON.stringify([...seen])}`);
}

Deno.test({
  name:
    "grep never shows a line of Pixir's auth.json swapped in for a workspace file by a hardlink (bubblewrap child)",
  ignore: !(await bubblewrapWorks()),
  async fn() {
    await hardlinkRace(false);
  },
});

Deno.test("the hardlink race without bubblewrap on the PATH", async () => {
  await hardlinkRace(true);
});
