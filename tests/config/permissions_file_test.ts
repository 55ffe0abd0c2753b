import assert from "node:assert/strict";
import { join } from "node:path";
import {
  addMcpRule,
  addRules,
  loadPermissions,
  migratePermissions,
  PermissionsFileError,
  permissionsOf,
  removeRule,
  savePolicy,
} from "../../src/config/permissions_file.ts";
import { tempWorkspace } from "../harness/workspace.ts";

Deno.test("a missing file is empty; rules and policies round-trip per workspace", async () => {
  await using dir = await tempWorkspace();
  const file = join(dir.path, "cfg", "permissions.json");
  assert.deepEqual(await loadPermissions(file), { version: 2, workspaces: {} });
  await addRules(file, "/ws", ["git commit", "npm test"]);
  await addRules(file, "/ws", ["npm test", "make"]);
  await savePolicy(file, "/ws", { run: ["cargo"], read: "all", net: false });
  await addRules(file, "/other", ["ls"]);
  const loaded = await loadPermissions(file);
  assert.deepEqual(permissionsOf(loaded, "/ws"), {
    policy: { read: "all", run: ["cargo"], net: false },
    always: ["git commit", "npm test", "make"],
  });
  assert.deepEqual(permissionsOf(loaded, "/nowhere"), { policy: {}, always: [] });
  assert.equal(await removeRule(file, "/ws", "npm test"), true);
  assert.equal(await removeRule(file, "/ws", "npm test"), false);
  assert.deepEqual(permissionsOf(await loadPermissions(file), "/ws").always, [
    "git commit",
    "make",
  ]);
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(join(dir.path, "cfg"))).mode! & 0o777, 0o700);
});

Deno.test("a file in the wrong shape is an error that names the field", async () => {
  await using dir = await tempWorkspace();
  const file = join(dir.path, "permissions.json");
  const cases: [unknown, RegExp][] = [
    [{ version: 3, workspaces: {} }, /"version": 2/],
    [
      { version: 2, workspaces: { "/ws": { retired_always: "rm" } } },
      /retired_always must be a list/,
    ],
    [{ version: 1, workspaces: { "/ws": { always: "ls" } } }, /always must be a list/],
    [
      { version: 1, workspaces: { "/ws": { policy: { allow_net: true } } } },
      /allow_net is not one of/,
    ],
    [{ version: 1, workspaces: { "/ws": { policy: { net: "no" } } } }, /net must be true or false/],
  ];
  for (const [json, message] of cases) {
    await Deno.writeTextFile(file, JSON.stringify(json));
    await assert.rejects(
      loadPermissions(file),
      (e) => e instanceof PermissionsFileError && message.test(e.message),
    );
  }
  await Deno.writeTextFile(file, "{not json");
  await assert.rejects(loadPermissions(file), PermissionsFileError);
});

Deno.test("MCP grants and always rules are saved beside the command rules", async () => {
  await using dir = await tempWorkspace();
  const file = join(dir.path, "permissions.json");
  await addRules(file, "/ws", ["make"]);
  await savePolicy(file, "/ws", { mcp: ["docs", "everything/echo"] });
  await addMcpRule(file, "/ws", "everything/get-sum");
  await addMcpRule(file, "/ws", "everything/get-sum");
  assert.deepEqual(permissionsOf(await loadPermissions(file), "/ws"), {
    policy: { mcp: ["docs", "everything/echo"] },
    always: ["make"],
    alwaysMcp: ["everything/get-sum"],
  });
  const raw = JSON.parse(await Deno.readTextFile(file));
  assert.deepEqual(raw.workspaces["/ws"].always_mcp, ["everything/get-sum"]);
  assert.deepEqual(raw.workspaces["/ws"].policy.allow_mcp, ["docs", "everything/echo"]);
});

Deno.test("a version-1 file's one-word rules are retired, never applied, and the file is rewritten as version 2", async () => {
  await using dir = await tempWorkspace();
  const file = join(dir.path, "permissions.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      version: 1,
      workspaces: {
        "/ws": { always: ["rm", "git commit", "echo done > log", "x 'open"] },
        "/other": { always: ["npm test"] },
      },
    }),
  );
  const loaded = await loadPermissions(file);
  assert.deepEqual(permissionsOf(loaded, "/ws"), {
    policy: {},
    always: ["git commit", "echo done > log", "x 'open"],
    retired: ["rm"],
  });
  assert.deepEqual(permissionsOf(loaded, "/other").always, ["npm test"]);

  const message = await migratePermissions(file);
  assert.match(message ?? "", new RegExp(`^${file} was saved by an earlier Pixir`));
  assert.match(message ?? "", /"rm" \(\/ws\)/);
  assert.match(message ?? "", /pixir permissions set --allow-run=NAME/);
  const saved = JSON.parse(await Deno.readTextFile(file));
  assert.equal(saved.version, 2);
  assert.deepEqual(saved.workspaces["/ws"].always, ["git commit", "echo done > log", "x 'open"]);
  assert.deepEqual(saved.workspaces["/ws"].retired_always, ["rm"]);
  // Once rewritten there is nothing left to migrate, and a version-2 one-word rule is a rule.
  assert.equal(await migratePermissions(file), null);
  await addRules(file, "/ws", ["make"]);
  assert.deepEqual(permissionsOf(await loadPermissions(file), "/ws").always.at(-1), "make");
  // A retired rule can be forgotten like any other.
  assert.equal(await removeRule(file, "/ws", "rm"), true);
  assert.equal(permissionsOf(await loadPermissions(file), "/ws").retired, undefined);
});

Deno.test("a version-1 file without one-word rules is rewritten silently", async () => {
  await using dir = await tempWorkspace();
  const file = join(dir.path, "permissions.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify({ version: 1, workspaces: { "/ws": { always: ["npm test"] } } }),
  );
  assert.equal(await migratePermissions(file), null);
  assert.equal(JSON.parse(await Deno.readTextFile(file)).version, 2);
});
