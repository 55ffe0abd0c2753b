import assert from "node:assert/strict";
import {
  browserLogin,
  type BrowserLoginDeps,
  DEFAULT_BROWSER_LOGIN_TIMEOUT_MS,
  DEFAULT_CALLBACK_WAIT_MS,
} from "../../src/auth/browser_login.ts";
import type { TokenSet } from "../../src/auth/oauth.ts";
import { base64Url, codeChallenge } from "../../src/auth/pkce.ts";
import { failed, unwrap } from "./result.ts";
import { waitUntil } from "../harness/wait.ts";

const ISSUER = "http://127.0.0.1:9";
const TOKENS: TokenSet = { id_token: "id", access_token: "access", refresh_token: "refresh" };

/** How a fake sleep of a given length behaves: end at once, or only when its signal aborts. */
type SleepRule = (ms: number) => "now" | "until-abort";

interface Exchange {
  issuer: string;
  code: string;
  codeVerifier: string;
  redirectUri: string;
}

/** What the fake user pastes, given the authorize URL they were shown; null for a closed stdin. */
type Paste = (authorizeUrl: URL) => string | null | Promise<string | null>;

/** Deps whose effects are recorded; `rule` decides which waits end at once. */
function harness(
  rule: SleepRule,
  overrides: Partial<BrowserLoginDeps> & { paste?: Paste } = {},
) {
  const { paste = () => null, ...depsOverrides } = overrides;
  const printed: string[] = [];
  const opened: string[] = [];
  const sleeps: number[] = [];
  const exchanges: Exchange[] = [];
  const drawn: Uint8Array[] = [];
  const deps: BrowserLoginDeps = {
    fetch,
    issuer: ISSUER,
    exchange: (endpoint, grant) => {
      exchanges.push({ issuer: endpoint.issuer, ...grant });
      return Promise.resolve({ ok: true, value: TOKENS });
    },
    random: (length) => {
      const bytes = Uint8Array.from({ length }, (_, i) => (drawn.length * 31 + i) % 256);
      drawn.push(bytes);
      return bytes;
    },
    openBrowser: (url) => {
      assert.equal(printed.at(-1), url, "the URL is printed before the browser is tried");
      opened.push(url);
      return true;
    },
    readPastedLine: async () => await paste(printedUrl()),
    print: (line) => printed.push(line),
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return rule(ms) === "now" ? Promise.resolve() : untilAborted(signal);
    },
    signal: new AbortController().signal,
    ports: [0],
    ...depsOverrides,
  };
  const printedUrl = (): URL => {
    const line = printed.find((text) => text.startsWith(`${ISSUER}/oauth/authorize?`));
    assert.ok(line !== undefined, "the authorize URL has not been printed");
    return new URL(line);
  };
  /** The authorize URL once it has been printed. */
  const authorizeUrl = async (): Promise<URL> => {
    await waitUntil(
      () => printed.some((text) => text.startsWith(`${ISSUER}/oauth/authorize?`)),
      "the authorize URL to be printed",
    );
    return printedUrl();
  };
  return { deps, printed, opened, sleeps, exchanges, drawn, authorizeUrl };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2));
}

const neverEnds: SleepRule = () => "until-abort";

function portOf(redirectUri: string): number {
  return Number(new URL(redirectUri).port);
}

async function assertClosed(port: number): Promise<void> {
  await assert.rejects(
    Deno.connect({ hostname: "127.0.0.1", port }),
    Deno.errors.ConnectionRefused,
  );
}

Deno.test("the browser's callback completes the sign-in with the PKCE verifier and exact redirect URI", async () => {
  const h = harness(neverEnds);
  const login = browserLogin(h.deps);
  const url = await h.authorizeUrl();
  const redirectUri = url.searchParams.get("redirect_uri")!;
  const state = url.searchParams.get("state")!;
  assert.match(redirectUri, /^http:\/\/localhost:\d+\/auth\/callback$/);

  const callback = new URL(redirectUri);
  callback.hostname = "127.0.0.1";
  callback.search = new URLSearchParams({ code: "ac_1", state }).toString();
  const page = await fetch(callback);
  assert.equal(page.status, 200);
  await page.body?.cancel();

  assert.deepEqual(unwrap(await login), TOKENS);
  const [verifierBytes, stateBytes] = h.drawn;
  assert.deepEqual(h.exchanges, [{
    issuer: ISSUER,
    code: "ac_1",
    codeVerifier: base64Url(verifierBytes),
    redirectUri,
  }]);
  assert.equal(state, base64Url(stateBytes));
  assert.equal(
    url.searchParams.get("code_challenge"),
    await codeChallenge(base64Url(verifierBytes)),
  );
  assert.deepEqual(h.opened, [url.href]);
  assert.deepEqual(h.sleeps.toSorted(), [
    DEFAULT_CALLBACK_WAIT_MS,
    DEFAULT_BROWSER_LOGIN_TIMEOUT_MS,
  ]);
  await assertClosed(portOf(redirectUri));
});

Deno.test("after the callback wait, a pasted redirect URL completes the sign-in; the server stays up meanwhile", async () => {
  const pastes: string[] = [];
  const paste = async (url: URL): Promise<string | null> => {
    const redirectUri = url.searchParams.get("redirect_uri")!;
    // The callback server still answers while the user is being asked to paste.
    const probe = await fetch(`http://127.0.0.1:${portOf(redirectUri)}/probe`);
    assert.equal(probe.status, 404);
    await probe.body?.cancel();
    const line = pastes.length === 0
      ? `${redirectUri}?code=ac_forged&state=someone-else`
      : `${redirectUri}?code=ac_2&state=${url.searchParams.get("state")}`;
    pastes.push(line);
    return line;
  };
  const h = harness((ms) => ms === 1_000 ? "now" : "until-abort", {
    callbackWaitMs: 1_000,
    paste,
  });
  const tokens = unwrap(await browserLogin(h.deps));
  assert.deepEqual(tokens, TOKENS);
  assert.equal(pastes.length, 2);
  const url = await h.authorizeUrl();
  const redirectUri = url.searchParams.get("redirect_uri")!;
  assert.deepEqual(h.exchanges.map(({ code, redirectUri }) => [code, redirectUri]), [
    ["ac_2", redirectUri],
  ]);
  assert.ok(h.printed.some((line) => /paste its full address/.test(line)), h.printed.join("\n"));
  assert.ok(h.printed.some((line) => /state mismatch/.test(line)), h.printed.join("\n"));
  await assertClosed(portOf(redirectUri));
});

Deno.test("the paste prompt waits for the callback wait first", async () => {
  let asked = false;
  const h = harness(neverEnds, {
    paste: () => {
      asked = true;
      return null;
    },
  });
  const controller = new AbortController();
  const login = browserLogin({ ...h.deps, signal: controller.signal });
  await h.authorizeUrl();
  await tick();
  assert.equal(asked, false);
  controller.abort();
  assert.equal(failed(await login).kind, "aborted");
});

Deno.test("with no callback port free, the URL still goes out and a paste completes the sign-in", async () => {
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const expectedRedirect = `http://localhost:${busy.addr.port}/auth/callback`;
  const h = harness(neverEnds, {
    ports: [busy.addr.port],
    paste: (url) => `code=ac_3&state=${url.searchParams.get("state")}`,
  });
  assert.deepEqual(unwrap(await browserLogin(h.deps)), TOKENS);
  const url = await h.authorizeUrl();
  assert.equal(url.searchParams.get("redirect_uri"), expectedRedirect);
  assert.deepEqual(h.exchanges.map(({ redirectUri }) => redirectUri), [expectedRedirect]);
  assert.ok(h.printed.some((line) => /already in use/.test(line)), h.printed.join("\n"));
  // There is no callback to wait for, so the prompt comes at once.
  assert.deepEqual(h.sleeps, [DEFAULT_BROWSER_LOGIN_TIMEOUT_MS]);
});

Deno.test("with no callback port free and no one to paste, the sign-in fails with why", async () => {
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const h = harness(neverEnds, { ports: [busy.addr.port] });
  const error = failed(await browserLogin(h.deps));
  assert.equal(error.kind, "transient");
  assert.match(error.message, /already in use/);
  assert.deepEqual(h.exchanges, []);
});

Deno.test("a closed stdin leaves the callback as the way to finish", async () => {
  const h = harness((ms) => ms === DEFAULT_CALLBACK_WAIT_MS ? "now" : "until-abort");
  const login = browserLogin(h.deps);
  const url = await h.authorizeUrl();
  const callback = new URL(url.searchParams.get("redirect_uri")!);
  callback.hostname = "127.0.0.1";
  await waitUntil(
    () => h.printed.some((line) => line.startsWith("No callback yet")),
    "the no-callback notice",
  );
  callback.search = `code=ac_4&state=${url.searchParams.get("state")}`;
  await (await fetch(callback)).body?.cancel();
  assert.deepEqual(unwrap(await login), TOKENS);
});

Deno.test("an abort ends the sign-in as aborted and closes the server", async () => {
  const controller = new AbortController();
  const h = harness(neverEnds, { signal: controller.signal });
  const login = browserLogin(h.deps);
  const url = await h.authorizeUrl();
  controller.abort();
  assert.equal(failed(await login).kind, "aborted");
  await assertClosed(portOf(url.searchParams.get("redirect_uri")!));
  assert.deepEqual(h.exchanges, []);
});

Deno.test("the deadline ends the sign-in as a timeout and closes the server", async () => {
  const h = harness((ms) => ms === 5_000 ? "now" : "until-abort", { timeoutMs: 5_000 });
  const error = failed(await browserLogin(h.deps));
  assert.equal(error.kind, "timeout");
  assert.match(error.message, /pixir login --browser/);
  await assertClosed(portOf((await h.authorizeUrl()).searchParams.get("redirect_uri")!));
});

Deno.test("a browser that cannot be opened does not stop the sign-in", async () => {
  const controller = new AbortController();
  const h = harness(neverEnds, { signal: controller.signal, openBrowser: () => false });
  const login = browserLogin(h.deps);
  const url = await h.authorizeUrl();
  assert.ok(!h.printed.some((line) => /browser window/.test(line)), h.printed.join("\n"));
  const callback = new URL(url.searchParams.get("redirect_uri")!);
  callback.hostname = "127.0.0.1";
  callback.search = `code=ac_5&state=${url.searchParams.get("state")}`;
  await (await fetch(callback)).body?.cancel();
  assert.deepEqual(unwrap(await login), TOKENS);
});

Deno.test("a failed exchange after a paste is the sign-in's result", async () => {
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const h = harness(neverEnds, {
    ports: [busy.addr.port],
    paste: (url) => `ac_6#${url.searchParams.get("state")}`,
    exchange: () =>
      Promise.resolve({ ok: false, error: { kind: "rejected", message: "invalid_grant" } }),
  });
  assert.deepEqual(failed(await browserLogin(h.deps)), {
    kind: "rejected",
    message: "invalid_grant",
  });
});
