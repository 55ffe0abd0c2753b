import assert from "node:assert/strict";
import {
  approvalLayer,
  osSandboxLayer,
  sandboxChecks,
  workerLayer,
  WORKSPACE_LAYER,
} from "../../src/doctor/sandbox.ts";

Deno.test("a Worker that starts is layer 2 active, with its granted roots", async () => {
  const result = await workerLayer(() =>
    Promise.resolve({ started: true, readRoots: 2, writeRoots: 1 })
  ).probe();
  assert.equal(result.status, "ok");
  assert.match(result.summary, /may read 2 and write 1 path/);
  assert.deepEqual(result.details, { read_roots: 2, write_roots: 1 });
});

Deno.test("a Worker that does not start is an error with a fix", async () => {
  const result = await workerLayer(() =>
    Promise.resolve({ started: false, reason: "the file tool Worker crashed" })
  ).probe();
  assert.equal(result.status, "error");
  assert.match(result.summary, /does not start: the file tool Worker crashed/);
  assert.ok(result.fix);
});

Deno.test("a missing OS sandbox is a warning that says why; a working one names itself", async () => {
  const missing = await osSandboxLayer(() =>
    Promise.resolve({ active: false, kind: "bubblewrap", reason: "bwrap is not installed" })
  ).probe();
  assert.equal(missing.status, "warn");
  assert.match(missing.summary, /without one: bwrap is not installed/);
  const working = await osSandboxLayer(() =>
    Promise.resolve({ active: true, kind: "bubblewrap", program: "bwrap" })
  ).probe();
  assert.equal(working.status, "ok");
  assert.match(working.summary, /run in bubblewrap \(bwrap\)/);
});

Deno.test("approval says whether a person can be asked", async () => {
  assert.match((await approvalLayer(true).probe()).summary, /asked about at this terminal/);
  assert.match((await approvalLayer(false).probe()).summary, /denied unless a flag/);
});

Deno.test("every layer is probed, in order", async () => {
  const checks = await sandboxChecks([WORKSPACE_LAYER, approvalLayer(false)]);
  assert.deepEqual(checks.map((c) => c.id), ["sandbox.workspace", "sandbox.approval"]);
});
