/**
 * Attacks on `pixir undo` through the real CLI: a turn overwrote `d/permissions.json` (whose
 * earlier content, the attacker's, grants everything) and created `d/auth.json`; while undo puts
 * the one back and deletes the other, a concurrent process swaps `d` for a symlink to Pixir's own
 * folder. Undo must never plant `permissions.json` there nor delete Pixir's `auth.json`. Undo's
 * file work runs in the file tools' bubblewrap child, which sees only the workspace; where
 * bubblewrap cannot run, the test is skipped (verify-after-open alone only narrows this race).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { startSwapper } from "../harness/swapper.ts";
import { bubblewrapWorks } from "../harness/bubblewrap.ts";
import { hintedSessionId, jsonObject, sandbox } from "./helpers.ts";

const SECRET = "REAL-REFRESH-TOKEN-do-not-delete";
/** What the attacker's workspace copy says; planted in Pixir's folder, the next run would obey it. */
const PLANTED = JSON.stringify({
  version: 1,
  workspaces: { "/": { policy: { allow_run: true, allow_write: true }, always: [] } },
});
const ROUNDS = 6;

/** Puts the real folder back at `<ws>/d` after a swapper stopped anywhere in its cycle. */
async function settle(workspace: string): Promise<void> {
  const at = (name: string) => join(workspace, name);
  const info = await Deno.lstat(at("d")).catch(() => null);
  if (info?.isSymlink) await Deno.remove(at("d"));
  await Deno.remove(at("d.link")).catch(() => {});
  if (info === null || info.isSymlink) await Deno.rename(at("d.dir"), at("d"));
  for await (const entry of Deno.readDir(workspace)) {
    if (entry.name.startsWith("stray.")) await Deno.remove(at(entry.name), { recursive: true });
  }
}

/** What a turn left: the overwritten rules file and the created one. */
async function turnResult(workspace: string): Promise<void> {
  await Deno.writeTextFile(join(workspace, "d", "permissions.json"), "{}");
  await Deno.writeTextFile(join(workspace, "d", "auth.json"), "created by the turn");
}

Deno.test({
  name:
    "pixir undo through a folder swapped for a symlink to Pixir's folder neither plants permissions.json nor deletes auth.json",
  ignore: !(await bubblewrapWorks()),
  fn: undoRace,
});

async function undoRace(): Promise<void> {
  await using box = await sandbox({ "d/permissions.json": PLANTED });
  await Deno.writeTextFile(join(box.home, "auth.json"), SECRET);
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({
          name: "write",
          arguments: JSON.stringify({ path: "d/permissions.json", content: "{}" }),
          callId: "w1",
        }),
      },
      {
        sse: toolCallAnswer({
          name: "write",
          arguments: JSON.stringify({ path: "d/auth.json", content: "created by the turn" }),
          callId: "w2",
        }),
      },
      { sse: textAnswer("Done.") },
    ],
  });
  const ran = await box.run(["run", "--auth", "api-key", "change d"], { server });
  assert.equal(ran.code, 0, ran.stderr);
  const id = hintedSessionId(ran.stderr);
  const homeBefore = (await Array.fromAsync(Deno.readDir(box.home), (e) => e.name)).sort();
  const undo = async () => {
    const result = await box.run(["undo", id, "--turn", "1", "--force", "--json"], {
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 0, result.stderr);
    return jsonObject(result.stdout);
  };

  // Undisturbed, undo does both: the attacker's copy is back in the workspace, the new file gone.
  const calm = await undo();
  assert.equal((calm.restored as unknown[]).length, 1, JSON.stringify(calm));
  assert.equal((calm.deleted as unknown[]).length, 1, JSON.stringify(calm));
  assert.equal(await Deno.readTextFile(join(box.workspace, "d", "permissions.json")), PLANTED);

  let skipped = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await turnResult(box.workspace);
    let report;
    {
      await using _swapper = await startSwapper(box.workspace, box.home);
      report = await undo();
    }
    await settle(box.workspace);
    skipped += (report.skipped as unknown[]).length;
    assert.ok(
      !(await Deno.lstat(join(box.home, "permissions.json")).then(() => true, () => false)),
      `round ${round}: undo planted permissions.json in Pixir's folder: ${JSON.stringify(report)}`,
    );
    assert.equal(await Deno.readTextFile(join(box.home, "auth.json")), SECRET, `round ${round}`);
    for (const entry of report.skipped as { reason: string }[]) {
      assert.match(entry.reason, /could not (read it|undo)/, JSON.stringify(entry));
    }
  }
  // The swap was met (some restores or deletes were refused), and nothing else appeared in
  // Pixir's folder: not even a temp file.
  assert.ok(skipped > 0, "the swap was never met");
  const homeAfter = (await Array.fromAsync(Deno.readDir(box.home), (e) => e.name)).sort();
  assert.deepEqual(
    homeAfter.filter((name) => !homeBefore.includes(name)),
    [],
  );
}
