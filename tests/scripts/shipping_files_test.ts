/**
 * Light structural checks of shipped files: the container's stages (tests/kubernetes/podman_test.ts
 * builds and runs it where podman can), and workflows that stay in step with the build's targets and .ci/run.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { BUILD } from "../../scripts/build/plan.ts";
import { TARGETS } from "../../scripts/build/targets.ts";

const read = (path: string) =>
  Deno.readTextFile(fileURLToPath(new URL(`../../${path}`, import.meta.url)));

/** The Containerfile's instructions per stage, continuation lines joined and comments dropped. */
function stages(containerfile: string): string[][] {
  const lines = containerfile.replaceAll(/\\\n/g, " ").split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const result: string[][] = [];
  for (const line of lines) {
    if (/^FROM /i.test(line)) result.push([]);
    result.at(-1)?.push(line);
  }
  return result;
}

Deno.test("Containerfile: a build stage compiles (or stages the source); the runtime is non-root with bubblewrap", async () => {
  const [build, runtime, ...rest] = stages(await read("Containerfile"));
  assert.equal(rest.length, 0, "two stages");
  assert.match(build[0], /^FROM \S+ AS build$/);
  assert.ok(build.some((line) => /scripts\/deno task compile --target host/.test(line)));
  assert.ok(
    build.some((line) => /exec \/opt\/pixir\/scripts\/pixir/.test(line)),
    "source fallback",
  );
  assert.match(runtime[0], /^FROM debian:\S+-slim$/);
  const copies = runtime.filter((line) => line.startsWith("COPY"));
  assert.deepEqual(copies, ["COPY --from=build /stage/ /"]);
  assert.ok(runtime.some((line) => /apt-get install .*bubblewrap/.test(line)));
  const env = runtime.find((line) => line.startsWith("ENV PIXIR_HOME="))!;
  const home = env.split(" ")[1].split("=")[1];
  assert.ok(home, "PIXIR_HOME is set");
  assert.ok(runtime.includes(`VOLUME ["${home}"]`), "PIXIR_HOME is a volume");
  const user = runtime.find((line) => line.startsWith("USER "));
  assert.ok(user && !/^USER (root|0)$/.test(user), "runs as an unprivileged user");
  assert.ok(runtime.includes('ENTRYPOINT ["pixir"]'));
});

Deno.test("release workflow smoke-runs every build target and publishes checksums", async () => {
  const workflow = await read(".github/workflows/release.yml");
  const smoked = [...workflow.matchAll(/target: ([\w-]+),/g)].map((match) => match[1]);
  assert.deepEqual(smoked, TARGETS.map((target) => target.triple));
  assert.match(workflow, /scripts\/deno task compile --out dist/);
  assert.match(workflow, /pixir --version/);
  assert.match(workflow, /pixir doctor --json/);
  assert.match(workflow, /gh release create .*\n.*dist\/SHA256SUMS scripts\/install\.sh/);
});

Deno.test("CI runs .ci/run, the same entry point as our own machines", async () => {
  assert.match(await read(".github/workflows/ci.yml"), /run: \.ci\/run\n/);
});

Deno.test("scripts/pixir and the search benchmark run with the V8 options the binary bakes in", async () => {
  const flags = `--v8-flags=${BUILD.v8Flags.join(",")} `;
  assert.ok((await read("scripts/pixir")).includes(flags), `scripts/pixir does not pass ${flags}`);
  const tasks = JSON.parse(await read("deno.json")).tasks;
  assert.ok(tasks["bench-search"].includes(flags), `the bench-search task does not pass ${flags}`);
});
