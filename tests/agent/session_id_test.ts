import assert from "node:assert/strict";
import { isSessionIdQuery, newSessionId, SESSION_ID_PATTERN } from "../../src/agent/session_id.ts";
import { cyclingRandom } from "./helpers.ts";

Deno.test("a session id is the UTC date and time plus six base36 characters", () => {
  const now = Date.UTC(2026, 10, 24, 11, 13, 0, 999);
  const id = newSessionId(now, cyclingRandom([0, 0.5, 0.99, 0.1, 0.2, 0.3]));
  assert.equal(id, "20261124-111300-0iz37a");
  assert.match(id, SESSION_ID_PATTERN);
});

Deno.test("ids sort by creation time", () => {
  const random = cyclingRandom([0.9, 0.1]);
  const earlier = newSessionId(Date.UTC(2026, 0, 9, 23, 59, 59), random);
  const later = newSessionId(Date.UTC(2026, 0, 10, 0, 0, 0), random);
  assert.ok(earlier < later, `${earlier} should sort before ${later}`);
});

Deno.test("a random value at the top of its range still yields an id character", () => {
  const id = newSessionId(0, () => 0.9999999999999999);
  assert.equal(id, "19700101-000000-zzzzzz");
});

Deno.test("queries with path separators, dots or other characters are not ids", () => {
  for (const bad of ["", "..", "../x", "a/b", "a\\b", "2026.", "ABC", "x y", "%2e%2e"]) {
    assert.equal(isSessionIdQuery(bad), false, bad);
  }
  for (const good of ["2", "20261124", "20261124-111300-k3f9qz"]) {
    assert.equal(isSessionIdQuery(good), true, good);
  }
});
