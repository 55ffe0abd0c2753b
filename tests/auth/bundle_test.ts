import assert from "node:assert/strict";
import {
  type AccessBundle,
  bundleCredentials,
  decodeBundle,
  encodeBundle,
  findBundle,
} from "../../src/auth/bundle.ts";
import { NotAuthenticatedError } from "../../src/auth/credential.ts";

const BUNDLE: AccessBundle = {
  v: 1,
  access_token: "at-secret-123",
  account_id: "acct_1",
  plan: "pro",
  expires_at: 2_000_000_000,
};

function rejectsWithReexport(run: () => unknown, message: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof NotAuthenticatedError);
    assert.equal(error.fix, "reexport");
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /secret/);
    return true;
  });
}

Deno.test("a bundle survives encoding, blanks around it included", () => {
  const text = encodeBundle(BUNDLE);
  assert.match(text, /^pixir-bundle-v1\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeBundle(`  ${text}\n`, "X"), BUNDLE);
});

Deno.test("what is not a version 1 bundle is refused, naming where it came from, never its text", () => {
  const body = (value: unknown) => "pixir-bundle-v1." + btoa(JSON.stringify(value));
  rejectsWithReexport(() => decodeBundle("secret", "VAR"), /VAR .*no pixir-bundle-v1\. prefix/);
  rejectsWithReexport(() => decodeBundle("pixir-bundle-v2.secret", "VAR"), /version/);
  rejectsWithReexport(() => decodeBundle("pixir-bundle-v1.!!secret", "VAR"), /base64url JSON/);
  rejectsWithReexport(() => decodeBundle(body({ ...BUNDLE, v: 2 }), "VAR"), /version 1/);
  const { account_id: _, ...noAccount } = BUNDLE;
  rejectsWithReexport(() => decodeBundle(body(noAccount), "VAR"), /missing/);
  rejectsWithReexport(
    () => decodeBundle(body({ ...BUNDLE, expires_at: "soon" }), "VAR"),
    /missing/,
  );
});

Deno.test("the variable wins over the file; neither set is no bundle", async () => {
  const files = (path: string) =>
    path === "/s"
      ? Promise.resolve(encodeBundle({ ...BUNDLE, plan: null }))
      : Promise.reject(new Deno.errors.NotFound());
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(await findBundle(env({}), files), null);
  const fromFile = await findBundle(env({ PIXIR_ACCESS_BUNDLE_FILE: "/s" }), files);
  assert.deepEqual(fromFile?.origin, { variable: "PIXIR_ACCESS_BUNDLE_FILE", path: "/s" });
  assert.equal(fromFile?.bundle.plan, null);
  const both = await findBundle(
    env({ PIXIR_ACCESS_BUNDLE: encodeBundle(BUNDLE), PIXIR_ACCESS_BUNDLE_FILE: "/s" }),
    files,
  );
  assert.deepEqual(both?.origin, { variable: "PIXIR_ACCESS_BUNDLE" });
  await assert.rejects(
    findBundle(env({ PIXIR_ACCESS_BUNDLE_FILE: "/absent" }), files),
    /no such file/,
  );
});

Deno.test("bundle credentials: the token until expiry, then re-export; a 401 is never renewed", async () => {
  let now = 1_999_999_000_000;
  const provider = bundleCredentials(BUNDLE, () => now);
  const credential = await provider.get();
  assert.deepEqual(credential, {
    kind: "chatgpt",
    access_token: "at-secret-123",
    account_id: "acct_1",
  });
  await assert.rejects(provider.renew(credential), /refused the access bundle/);
  now = 2_000_000_000_000;
  await assert.rejects(provider.get(), (error: unknown) => {
    assert.ok(error instanceof NotAuthenticatedError && error.fix === "reexport");
    assert.match(error.message, /expired at 2033-05-18T03:33:20\.000Z/);
    return true;
  });
});
