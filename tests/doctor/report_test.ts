/** The whole report: order of the checks, `ok`, and what a broken setting or home leaves out. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type DoctorDeps, doctorReport } from "../../src/doctor/report.ts";
import { check } from "../../src/doctor/check.ts";
import { tempWorkspace } from "../harness/workspace.ts";

function deps(env: Record<string, string>, overrides: Partial<DoctorDeps> = {}): DoctorDeps {
  return {
    version: "9.8.7",
    platform: { os: "linux", arch: "x86_64", target: "x86_64-unknown-linux-gnu", deno: "2.9.6" },
    env: (name) => env[name],
    permissions: { read: true },
    queryPermission: (d) => Promise.resolve(d.name === "read" ? "granted" : "prompt"),
    sandboxLayers: [{
      id: "test",
      probe: () => Promise.resolve(check("sandbox.test", "sandbox", "ok", "on")),
    }],
    fetch: () => Promise.resolve(new Response(null, { status: 401 })),
    now: () => 0,
    timeoutMs: 100,
    offline: false,
    ...overrides,
  };
}

Deno.test("every group in order, ok when nothing is an error (a warning is not)", async () => {
  await using home = await tempWorkspace();
  const report = await doctorReport(deps({ PIXIR_HOME: home.path }));
  assert.equal(report.v, 1);
  assert.equal(report.ok, true);
  assert.equal(report.version, "9.8.7");
  assert.deepEqual([...new Set(report.checks.map((c) => c.group))], [
    "runtime",
    "permissions",
    "paths",
    "auth",
    "sandbox",
    "network",
  ]);
  assert.equal(report.checks.find((c) => c.id === "auth")!.status, "warn");
  assert.deepEqual(
    report.checks.filter((c) => c.group === "network").map((c) => c.details?.variable),
    ["PIXIR_AUTH_ISSUER", "PIXIR_CHATGPT_BASE_URL", "OPENAI_BASE_URL"],
  );
  assert.equal(
    report.checks.find((c) => c.id === "runtime")!.summary,
    "pixir 9.8.7 on linux x86_64 (deno 2.9.6)",
  );
});

Deno.test("an unreachable endpoint makes the report not ok", async () => {
  await using home = await tempWorkspace();
  const report = await doctorReport(
    deps({ PIXIR_HOME: home.path }, { fetch: () => Promise.reject(new TypeError("refused")) }),
  );
  assert.equal(report.ok, false);
});

Deno.test("a bad setting is an error and no endpoint is probed from it", async () => {
  await using home = await tempWorkspace();
  let probes = 0;
  const report = await doctorReport(
    deps({ PIXIR_HOME: home.path, OPENAI_BASE_URL: "ftp://x" }, {
      fetch: () => Promise.resolve(new Response(String(++probes))),
    }),
  );
  const settings = report.checks.find((c) => c.id === "settings")!;
  assert.equal(settings.status, "error");
  assert.match(settings.summary, /OPENAI_BASE_URL/);
  assert.equal(report.checks.filter((c) => c.group === "network").length, 0);
  assert.equal(probes, 0);
  assert.equal(report.ok, false);
});

Deno.test("without any home the folders are an error and the sign-in is skipped", async () => {
  const report = await doctorReport(deps({}, { offline: true }));
  const config = report.checks.find((c) => c.id === "path.config")!;
  assert.equal(config.status, "error");
  assert.equal(config.fix, "set PIXIR_HOME");
  assert.equal(report.checks.find((c) => c.id === "auth")!.status, "skip");
  assert.equal(report.ok, false);
});

Deno.test("a broken config.toml is a settings error naming its line; a good one is named", async () => {
  await using home = await tempWorkspace({
    "config.toml": 'model = "x"\nmax_iterations = "lots"\n',
  });
  const broken = await doctorReport(deps({ PIXIR_HOME: home.path }, { offline: true }));
  const bad = broken.checks.find((c) => c.id === "settings")!;
  assert.equal(bad.status, "error");
  assert.match(bad.summary, /config\.toml:2: max_iterations: "lots" must be a whole number/);

  await Deno.writeTextFile(
    join(home.path, "config.toml"),
    'model = "gpt-5.4"\nmodel_provider = "ollama"\n',
  );
  const good = await doctorReport(deps({ PIXIR_HOME: home.path }, { offline: true }));
  const ok = good.checks.find((c) => c.id === "settings")!;
  assert.equal(ok.status, "ok");
  assert.match(
    ok.summary,
    /^model gpt-5\.4, effort medium, provider ollama \(with .*config\.toml\)$/,
  );
});
