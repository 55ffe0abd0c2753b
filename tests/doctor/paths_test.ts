/** Pixir's folders: present or not yet, a folder or not, private enough for credentials. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathChecks } from "../../src/doctor/paths.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const POSIX = Deno.build.os !== "windows";

Deno.test("folders not created yet are fine", async () => {
  await using dir = await tempWorkspace();
  const home = join(dir.path, "pixir");
  const checks = await pathChecks({
    configDir: home,
    dataDir: home,
    sessionsDir: join(home, "sessions"),
  });
  assert.deepEqual(checks.map((c) => [c.id, c.status]), [
    ["path.config", "ok"],
    ["path.data", "ok"],
    ["path.sessions", "ok"],
  ]);
  assert.match(checks[0].summary, /not created yet/);
  assert.deepEqual(checks[0].details, { path: home, exists: false, mode: null });
});

Deno.test({
  name: "a private config folder is ok with its mode; one others can read is a warning",
  ignore: !POSIX,
  async fn() {
    await using dir = await tempWorkspace();
    const config = join(dir.path, "config");
    await Deno.mkdir(config, { mode: 0o700 });
    await Deno.chmod(config, 0o700);
    const paths = { configDir: config, dataDir: dir.path, sessionsDir: dir.path };
    const [ok] = await pathChecks(paths);
    assert.equal(ok.status, "ok");
    assert.equal(ok.summary, `${config} (mode 0700)`);
    await Deno.chmod(config, 0o755);
    const [open] = await pathChecks(paths);
    assert.equal(open.status, "warn");
    assert.equal(open.fix, `chmod 700 ${config}`);
  },
});

Deno.test("a file where a folder belongs is an error", async () => {
  await using dir = await tempWorkspace({ "data": "oops" });
  const data = join(dir.path, "data");
  const checks = await pathChecks({
    configDir: dir.path,
    dataDir: data,
    sessionsDir: join(data, "sessions"),
  });
  assert.equal(checks[1].status, "error");
  assert.equal(checks[1].summary, `${data} is not a folder`);
  assert.equal(checks[2].status, "error", "a path through a file cannot be a folder either");
});
