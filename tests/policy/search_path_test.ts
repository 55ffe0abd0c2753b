import assert from "node:assert/strict";
import { trustedSearchPath } from "../../src/policy/search_path.ts";

Deno.test("relative PATH entries and entries inside writable folders are dropped", () => {
  assert.equal(
    trustedSearchPath("bin::.:/ws/node_modules/.bin:/usr/bin:/ws:/wsx/bin:/bin", ["/ws"]),
    "/usr/bin:/wsx/bin:/bin",
  );
  assert.equal(trustedSearchPath("/usr/bin:/tmp/tools", ["/ws", "/tmp"]), "/usr/bin");
});
