/** Assertions on AuthResult values shared by the auth tests. */

import assert from "node:assert/strict";
import type { AuthError, AuthResult } from "../../src/auth/oauth.ts";

/** The value of a successful result; fails the test otherwise. */
export function unwrap<T>(result: AuthResult<T>): T {
  assert.ok(result.ok, `expected success, got ${JSON.stringify(result)}`);
  return result.value;
}

/** The error of a failed result; fails the test otherwise. */
export function failed<T>(result: AuthResult<T>): AuthError {
  assert.ok(!result.ok, `expected a failure, got ${JSON.stringify(result)}`);
  return result.error;
}
