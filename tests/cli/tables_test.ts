/** Tables and figures people read: columns that line up, one way of saying a reset time. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { sandbox } from "./helpers.ts";

/** Where each header word starts in the header line. */
function columnStarts(header: string): number[] {
  return [...header.matchAll(/\S+(?: \S+)*/g)].map((match) => match.index);
}

Deno.test("the sessions table lines up, and --all has a WORKSPACE column with a header", async () => {
  await using box = await sandbox();
  const elsewhere = join(box.root, "elsewhere");
  await Deno.mkdir(elsewhere);
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("a") }, { sse: textAnswer("b") }],
  });
  assert.equal((await box.run(["run", "-m", "gpt-5.5-codex-long", "first"], { server })).code, 0);
  assert.equal((await box.run(["run", "-C", elsewhere, "second"], { server })).code, 0);

  for (const args of [["sessions"], ["sessions", "--all"]]) {
    const { stdout } = await box.run(args);
    const [header, ...rows] = stdout.trimEnd().split("\n");
    const names = header.split(/ {2,}/);
    assert.deepEqual(
      names,
      args.length === 1
        ? ["ID", "UPDATED (UTC)", "TURNS", "MODEL", "TITLE"]
        : ["ID", "UPDATED (UTC)", "TURNS", "MODEL", "WORKSPACE", "TITLE"],
    );
    const starts = columnStarts(header).filter((_, i) => names[i] !== "TURNS");
    for (const row of rows) {
      // Every column but the right-aligned TURNS starts exactly under its header.
      for (const start of starts) {
        assert.notEqual(row[start], " ", `${args.join(" ")}: "${row}" at ${start}`);
        assert.equal(row[start - 1] ?? " ", " ", `${args.join(" ")}: "${row}" at ${start}`);
      }
    }
    if (args.length === 2) assert.ok(rows.some((row) => row.includes(elsewhere)));
  }
});

Deno.test("status says a reset time as usage does", async () => {
  await using box = await sandbox();
  const now = Math.floor(Date.now() / 1000);
  await Deno.writeTextFile(
    join(box.home, "quota.json"),
    JSON.stringify({
      observed_at: now,
      primary: { used_percent: 40, window_minutes: 300, resets_at: now + 86_400 + 3_600 },
    }),
  );

  const status = await box.run(["status"]);
  const usage = await box.run(["usage"]);

  const said = (text: string) => text.match(/40% used, resets (in [^,]+)/)?.[1];
  assert.equal(said(status.stdout), "in 1 d 1 h", status.stdout);
  assert.equal(said(status.stdout), said(usage.stdout));
  assert.doesNotMatch(status.stdout, /\d{3,} min/);
});

Deno.test("permissions with nothing saved says so instead of showing a flag", async () => {
  await using box = await sandbox();

  const listed = await box.run(["permissions"]);

  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /policy: \(none saved: the defaults apply\)/);
  assert.doesNotMatch(listed.stdout, /--allow-net/);
});
