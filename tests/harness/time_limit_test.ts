/** The time limit every test runs under (tests/harness/time_limit.ts, preloaded by scripts/test). */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("a test that never ends fails by its time limit, and the others still run", async () => {
  const { code, stdout, stderr } = await new Deno.Command(join(REPO, "scripts", "deno"), {
    args: [
      "test",
      "--frozen",
      "-P=test",
      "--preload",
      "tests/harness/time_limit.ts",
      "tests/harness/testdata/hangs.ts",
    ],
    cwd: REPO,
    env: { PIXIR_TEST_TIME_LIMIT_MS: "300", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    // Bounded itself: a limit that did not work must not hang this test either.
    signal: AbortSignal.timeout(60_000),
  }).output();
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);

  assert.notEqual(code, 0, out);
  assert.match(out, /test "never ends" did not finish within its time limit of 0\.3 s/);
  assert.match(out, /FAILED \| 1 passed \| 1 failed \| 1 ignored/);
});
