/**
 * `pixir doctor` as users run it (the "pixir" permission set, --no-prompt): the JSON shape, exit
 * codes, --offline, and endpoints pointed at loopback stand-ins.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { startLoopbackServer } from "../fakes/loopback_server.ts";
import { pathWithout } from "../harness/path_without.ts";
import { startAuthServer } from "../fakes/auth_server.ts";
import {
  assertNoStackTrace,
  chatgptLogin,
  isRecord,
  jsonObject,
  sandbox,
  seedAuthFile,
} from "./helpers.ts";

const STATUSES = ["ok", "warn", "error", "skip"];

Deno.test("doctor --json --offline: one object, every check well-formed, exit 0", async () => {
  await using box = await sandbox();
  const { code, stdout, stderr } = await box.run(["doctor", "--json", "--offline"]);
  assert.equal(code, 0, stdout + stderr);
  const report = jsonObject(stdout.trim());
  assert.equal(report.v, 1);
  assert.equal(report.ok, true);
  assert.equal(typeof report.version, "string");
  assert.ok(isRecord(report.platform));
  assert.equal(report.platform.os, Deno.build.os);
  assert.ok(Array.isArray(report.checks));
  for (const c of report.checks) {
    assert.ok(isRecord(c));
    assert.equal(typeof c.id, "string");
    assert.equal(typeof c.summary, "string");
    assert.ok(STATUSES.includes(String(c.status)), String(c.status));
  }
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  // The set the binary bakes is exactly what Pixir needs: every needed permission is granted.
  for (const name of ["read", "write", "net", "env", "sys", "run"]) {
    assert.equal(byId.get(`permission.${name}`)?.status, "ok", name);
  }
  assert.equal(byId.get("auth")?.summary, "API key from OPENAI_API_KEY");
  const confinement = byId.get("sandbox.workspace");
  assert.ok(isRecord(confinement));
  assert.match(String(confinement.summary), /not covered: /);
  assert.ok(isRecord(confinement.details));
  // The file tools run in the bubblewrap child exactly where bubblewrap works.
  const osSandbox = byId.get("sandbox.os");
  assert.ok(isRecord(osSandbox));
  if (osSandbox.status === "ok") {
    assert.equal(confinement.status, "ok");
    assert.match(String(confinement.summary), /race-free/);
    assert.equal(confinement.details.mechanism, "bubblewrap_child");
  } else {
    assert.equal(confinement.status, "warn");
    assert.equal(confinement.details.mechanism, "verify_after_open");
  }
  assert.deepEqual(
    report.checks.filter((c) => isRecord(c) && c.group === "network").map((c) => c.status),
    ["skip", "skip", "skip"],
  );
});

Deno.test("doctor probes the configured endpoints; all answering is exit 0", async () => {
  await using server = startLoopbackServer([]);
  await using box = await sandbox();
  const { code, stdout, stderr } = await box.run(["doctor", "--json"], {
    server: undefined,
    env: {
      OPENAI_BASE_URL: `${server.origin}/v1`,
      PIXIR_CHATGPT_BASE_URL: `${server.origin}/backend-api/codex`,
      PIXIR_AUTH_ISSUER: server.origin,
    },
  });
  assert.equal(code, 0, stdout + stderr);
  assert.deepEqual(server.requests.map((r) => r.path).sort(), ["/", "/backend-api/codex", "/v1"]);
});

Deno.test("an unreachable endpoint: exit 1, the fix on stdout, no stack trace", async () => {
  await using server = startLoopbackServer([]);
  await using box = await sandbox();
  const { code, stdout, stderr } = await box.run(["doctor"], {
    env: {
      OPENAI_BASE_URL: "http://127.0.0.1:1/v1",
      PIXIR_CHATGPT_BASE_URL: server.origin,
      PIXIR_AUTH_ISSUER: server.origin,
    },
  });
  assert.equal(code, 1);
  assert.match(stdout, /ERROR endpoint\.openai +http:\/\/127\.0\.0\.1:1\/v1 unreachable/);
  assert.match(stdout, /fix: check the network and proxy \(HTTPS_PROXY\), or set OPENAI_BASE_URL/);
  assert.match(stdout, /^1 error, \d+ warnings?$/m);
  assertNoStackTrace(stderr);
});

Deno.test("signed out is a warning, not a failure", async () => {
  await using box = await sandbox();
  const { code, stdout } = await box.run(["doctor", "--offline"], { apiKey: null });
  assert.equal(code, 0);
  assert.match(stdout, /warn {2}auth +not signed in\n +fix: run `pixir login`/);
});

Deno.test("doctor rejects unknown flags as bad usage", async () => {
  await using box = await sandbox();
  const { code, stderr } = await box.run(["doctor", "--fast"]);
  assert.equal(code, 2);
  assert.match(stderr, /doctor: unknown flag --fast\n {2}Usage: pixir doctor/);
});

Deno.test("signed in with ChatGPT, an unreachable OPENAI_BASE_URL is a warning, not an error", async () => {
  await using auth = startAuthServer();
  await using backend = startLoopbackServer([]);
  await using box = await sandbox();
  await seedAuthFile(box.home, chatgptLogin(auth.url, auth.issuer.issueTokens()));
  const env = {
    OPENAI_BASE_URL: "http://127.0.0.1:1/v1",
    PIXIR_CHATGPT_BASE_URL: backend.origin,
    PIXIR_AUTH_ISSUER: auth.url,
  };

  const { code, stdout } = await box.run(["doctor"], { apiKey: null, env });

  assert.equal(code, 0, stdout);
  assert.match(
    stdout,
    /warn {2}endpoint\.openai +http:\/\/127\.0\.0\.1:1\/v1 unreachable \(not used/,
  );
  assert.match(stdout, /^0 errors, /m);

  // The backend the sign-in does use is an error when it cannot be reached.
  const broken = await box.run(["doctor"], {
    apiKey: null,
    env: { ...env, PIXIR_CHATGPT_BASE_URL: "http://127.0.0.1:1/backend" },
  });
  assert.equal(broken.code, 1);
  assert.match(
    broken.stdout,
    /ERROR endpoint\.chatgpt +http:\/\/127\.0\.0\.1:1\/backend unreachable:/,
  );
});

Deno.test("doctor names the file-tool time limit it will enforce, and a missing OS sandbox with its reason", async () => {
  await using box = await sandbox();
  const bin = join(box.root, "bin");
  await Deno.mkdir(bin);
  const { code, stdout } = await box.run(["doctor", "--json", "--offline"], {
    env: { PIXIR_TOOL_TIMEOUT_MS: "2500", PATH: await pathWithout("bwrap", bin) },
  });
  assert.equal(code, 0, stdout);
  const report = jsonObject(stdout.trim());
  assert.ok(Array.isArray(report.checks));
  const byId = new Map(report.checks.filter(isRecord).map((c) => [c.id, c]));
  assert.match(String(byId.get("sandbox.workspace")?.summary), /stopped after 2\.5 s/);
  const os = byId.get("sandbox.os");
  assert.equal(os?.status, "warn");
  assert.match(String(os?.summary), /without one: bwrap is not installed/);
});
