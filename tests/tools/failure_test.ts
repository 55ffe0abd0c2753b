import assert from "node:assert/strict";
import { fail, fsError } from "../../src/tools/failure.ts";

Deno.test("fail builds a failed result, with details only when given", () => {
  assert.deepEqual(fail("timeout", "slow"), {
    ok: false,
    error: { kind: "timeout", message: "slow" },
  });
  assert.deepEqual(fail("io", "x", { a: 1 }), {
    ok: false,
    error: { kind: "io", message: "x", details: { a: 1 } },
  });
});

Deno.test("fsError maps filesystem exceptions to tool error kinds, naming the given path", () => {
  const cases: Array<[Error, string]> = [
    [new Deno.errors.NotFound("/abs/secret"), "not_found"],
    [new Deno.errors.IsADirectory("x"), "is_directory"],
    [new Deno.errors.NotADirectory("x"), "not_directory"],
    [new Deno.errors.PermissionDenied("x"), "denied"],
    [new Deno.errors.NotCapable("x"), "denied"],
    [new Deno.errors.FilesystemLoop("x"), "io"],
    [new Error("disk on fire"), "io"],
  ];
  for (const [error, kind] of cases) {
    const mapped = fsError(error, "src/a.ts");
    assert.equal(mapped.kind, kind, error.name);
    assert.match(mapped.message, /src\/a\.ts/);
    assert.deepEqual(mapped.details, { path: "src/a.ts" });
  }
  assert.equal(
    fsError(new Deno.errors.NotFound("/abs/secret"), "a").message,
    "No such file or directory: a",
  );
});
