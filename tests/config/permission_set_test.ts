/** The permission set read from deno.json, and the descriptors that ask about it. */

import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import {
  descriptorsFor,
  parsePermissionSet,
  PIXIR_PERMISSIONS,
} from "../../src/config/permission_set.ts";

Deno.test("the pixir set is deno.json's, as declared", () => {
  assert.deepEqual(PIXIR_PERMISSIONS, denoJson.permissions.pixir);
});

Deno.test("false grants nothing; unknown kinds and odd values are refused", () => {
  assert.deepEqual(parsePermissionSet({ read: true, net: false, env: ["HOME"] }), {
    read: true,
    env: ["HOME"],
  });
  assert.throws(() => parsePermissionSet({ telepathy: true }), /unknown permission "telepathy"/);
  assert.throws(() => parsePermissionSet({ read: "yes" }), /must be true, false or a list/);
  assert.throws(() => parsePermissionSet([]), /must be an object/);
});

Deno.test("a whole grant is one descriptor; a scoped grant asks about each scope", () => {
  assert.deepEqual(descriptorsFor("net", true), [{ name: "net" }]);
  assert.deepEqual(descriptorsFor("env", ["HOME", "PIXIR_*"]), [
    { name: "env", variable: "HOME" },
    { name: "env", variable: "PIXIR_*" },
  ]);
  assert.deepEqual(descriptorsFor("read", ["/w"]), [{ name: "read", path: "/w" }]);
  assert.deepEqual(descriptorsFor("net", ["api.openai.com"]), [
    { name: "net", host: "api.openai.com" },
  ]);
  assert.deepEqual(descriptorsFor("run", ["git"]), [{ name: "run", command: "git" }]);
  assert.deepEqual(descriptorsFor("sys", ["osRelease"]), [{ name: "sys", kind: "osRelease" }]);
});
