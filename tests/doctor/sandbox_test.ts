import assert from "node:assert/strict";
import {
  approvalLayer,
  confinementLayer,
  osSandboxLayer,
  sandboxChecks,
  workerLayer,
} from "../../src/doctor/sandbox.ts";

Deno.test("a Worker that starts is layer 2 active, with its granted roots", async () => {
  const result = await workerLayer(() =>
    Promise.resolve({ started: true, readRoots: 2, writeRoots: 1, sandboxed: false })
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
  const confinement = confinementLayer(
    () => Promise.resolve({ pinning: true, identities: true, sandboxed: true }),
    60_000,
  );
  const checks = await sandboxChecks([confinement, approvalLayer(false)]);
  assert.deepEqual(checks.map((c) => c.id), ["sandbox.workspace", "sandbox.approval"]);
});

Deno.test("confinement says which mechanism is in force, its time limit and what it does not cover", async () => {
  const ok = await confinementLayer(
    () => Promise.resolve({ pinning: true, identities: true, sandboxed: true }),
    60_000,
  ).probe();
  assert.equal(ok.status, "ok");
  assert.match(ok.summary, /race-free/);
  assert.match(ok.summary, /bubblewrap child that sees only the granted roots/);
  assert.match(ok.summary, /stopped after 60 s \(PIXIR_TOOL_TIMEOUT_MS\)/);
  assert.match(ok.summary, /not covered: a file someone else hardlinked/);
  assert.deepEqual(ok.details, {
    mechanism: "bubblewrap_child",
    pinning: true,
    identities: true,
    timeout_ms: 60_000,
  });
  const fallback = await confinementLayer(
    () => Promise.resolve({ pinning: true, identities: true, sandboxed: false }),
    60_000,
  ).probe();
  assert.equal(fallback.status, "warn");
  assert.match(fallback.summary, /verify-after-open only \(bubblewrap does not run here\)/);
  assert.match(fallback.summary, /not covered: a folder swap timed between the checks/);
  assert.equal(fallback.details?.mechanism, "verify_after_open");
  const weak = await confinementLayer(
    () => Promise.resolve({ pinning: true, identities: false, sandboxed: true }),
    1_500,
  ).probe();
  assert.equal(weak.status, "warn");
  assert.match(weak.summary, /hardlink to Pixir's files is not recognised/);
  const broken = await confinementLayer(
    () => Promise.resolve({ pinning: false, identities: true, sandboxed: false }),
    1_500,
  ).probe();
  assert.equal(broken.status, "error");
});
