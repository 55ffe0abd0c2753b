/** Each Deno permission measured against the set Pixir needs. */

import assert from "node:assert/strict";
import { permissionChecks, type PermissionQuery } from "../../src/doctor/permissions.ts";
import type { PermissionSet } from "../../src/config/permission_set.ts";

const NEEDED: PermissionSet = { read: true, env: ["HOME", "PIXIR_*"], sys: ["osRelease"] };

/** Grants exactly the descriptors whose JSON is listed. */
function granting(...granted: Deno.PermissionDescriptor[]): PermissionQuery {
  const keys = new Set(granted.map((d) => JSON.stringify(d)));
  return (d) => Promise.resolve(keys.has(JSON.stringify(d)) ? "granted" : "prompt");
}

const ALL_NEEDED = granting(
  { name: "read" },
  { name: "env", variable: "HOME" },
  { name: "env", variable: "PIXIR_*" },
  { name: "sys", kind: "osRelease" },
);

Deno.test("one check per permission kind; needed and granted is ok, not needed is ok", async () => {
  const checks = await permissionChecks(NEEDED, ALL_NEEDED);
  assert.deepEqual(checks.map((c) => c.id), [
    "permission.read",
    "permission.write",
    "permission.net",
    "permission.env",
    "permission.sys",
    "permission.run",
    "permission.ffi",
    "permission.import",
  ]);
  assert.ok(checks.every((c) => c.status === "ok"), JSON.stringify(checks));
  assert.equal(checks[0].summary, "granted");
  assert.equal(checks[3].summary, "granted for HOME, PIXIR_*");
  assert.equal(checks[1].summary, "not granted (not needed)");
});

Deno.test("a needed scope that is not granted is an error naming it and the fix", async () => {
  const checks = await permissionChecks(
    NEEDED,
    granting({ name: "read" }, { name: "env", variable: "HOME" }, {
      name: "sys",
      kind: "osRelease",
    }),
  );
  const env = checks.find((c) => c.id === "permission.env")!;
  assert.equal(env.status, "error");
  assert.equal(env.summary, "not granted: PIXIR_*");
  assert.deepEqual(env.details, { needed: ["HOME", "PIXIR_*"], missing: ["PIXIR_*"] });
  assert.match(env.fix!, /scripts\/pixir/);
});

Deno.test("a whole permission that is missing is an error", async () => {
  const checks = await permissionChecks({ run: true }, granting());
  assert.equal(checks.find((c) => c.id === "permission.run")!.status, "error");
});

Deno.test("a permission granted that Pixir does not need is a warning", async () => {
  const checks = await permissionChecks({}, granting({ name: "ffi" }));
  const ffi = checks.find((c) => c.id === "permission.ffi")!;
  assert.equal(ffi.status, "warn");
  assert.match(ffi.summary, /does not need it/);
});

Deno.test("a query that throws is reported, not thrown", async () => {
  const checks = await permissionChecks({ read: true }, () => Promise.reject(new Error("boom")));
  assert.equal(checks[0].status, "error");
  assert.match(checks[0].summary, /could not be queried: boom/);
});
