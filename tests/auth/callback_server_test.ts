import assert from "node:assert/strict";
import {
  type Callback,
  type CallbackServer,
  type CallbackServerOptions,
  startCallbackServer,
} from "../../src/auth/callback_server.ts";
import { failed, unwrap } from "./result.ts";
import { waitUntil } from "../harness/wait.ts";

const STATE = "expected-state";

/** Starts a server on an OS-chosen port that redeems codes as `tokens:<code>` and records them. */
async function start(overrides: Partial<CallbackServerOptions<string>> = {}) {
  const redeemed: Callback[] = [];
  const started = await startCallbackServer<string>({
    expectedState: STATE,
    redeem: (callback) => {
      redeemed.push(callback);
      return Promise.resolve({ ok: true, value: `tokens:${callback.code}` });
    },
    signal: new AbortController().signal,
    ports: [0],
    ...overrides,
  });
  assert.ok(started.ok, `the server did not start: ${JSON.stringify(started)}`);
  const server = started.value;
  let settled = false;
  void server.outcome.then(() => settled = true);
  return {
    server,
    redeemed,
    isSettled: () => settled,
    [Symbol.asyncDispose]: () => server.close(),
  };
}

async function get(server: CallbackServer<unknown>, pathAndQuery: string, host = "127.0.0.1") {
  const hostname = host.includes(":") ? `[${host}]` : host;
  const response = await fetch(`http://${hostname}:${server.port}${pathAndQuery}`);
  return { response, text: await response.text() };
}

function callbackQuery(params: Record<string, string>): string {
  return `/auth/callback?${new URLSearchParams(params)}`;
}

async function assertClosed(port: number): Promise<void> {
  await assert.rejects(
    Deno.connect({ hostname: "127.0.0.1", port }),
    Deno.errors.ConnectionRefused,
  );
}

Deno.test("a callback with the right state is redeemed, answered with the success page, and the server closes", async () => {
  await using handle = await start();
  const { server, redeemed } = handle;
  assert.equal(server.redirectUri, `http://localhost:${server.port}/auth/callback`);

  const { response, text } = await get(
    server,
    callbackQuery({ code: "ac_1", scope: "openid email", state: STATE }),
  );
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(response.headers.get("connection"), "close");
  assert.match(text, /Signed in to Pixir\. You can close this window\./);
  assert.deepEqual(redeemed, [{ code: "ac_1", redirectUri: server.redirectUri }]);
  assert.equal(unwrap(await server.outcome), "tokens:ac_1");
  await assertClosed(server.port);
});

Deno.test("a wrong or missing state is refused with 400 and the wait goes on", async () => {
  await using handle = await start();
  const { server, redeemed, isSettled } = handle;
  for (
    const query of [
      callbackQuery({ code: "ac_1", state: "forged" }),
      callbackQuery({ code: "ac_1" }),
      // The state is checked before the error: a forged error must not end the sign-in.
      callbackQuery({ error: "access_denied", state: "forged" }),
    ]
  ) {
    const { response, text } = await get(server, query);
    assert.equal(response.status, 400, query);
    assert.equal(text, "State mismatch");
  }
  assert.equal(isSettled(), false);
  assert.deepEqual(redeemed, []);

  await get(server, callbackQuery({ code: "ac_2", state: STATE }));
  assert.equal(unwrap(await server.outcome), "tokens:ac_2");
});

Deno.test("an error from the issuer shows an error page and ends the wait as denied", async () => {
  await using handle = await start();
  const { server, redeemed } = handle;
  const { response, text } = await get(
    server,
    callbackQuery({ error: "access_denied", error_description: "User <cancelled>", state: STATE }),
  );
  assert.equal(response.status, 403);
  assert.match(text, /User &#60;cancelled&#62;/);
  const error = failed(await server.outcome);
  assert.equal(error.kind, "denied");
  assert.equal(error.code, "access_denied");
  assert.match(error.message, /access_denied \(User <cancelled>\)/);
  assert.deepEqual(redeemed, []);
  await assertClosed(server.port);
});

Deno.test("a missing Codex entitlement gets its own message", async () => {
  await using handle = await start();
  const { server } = handle;
  const { text } = await get(
    server,
    callbackQuery({
      error: "access_denied",
      error_description: "missing_codex_entitlement",
      state: STATE,
    }),
  );
  const error = failed(await server.outcome);
  assert.equal(error.kind, "denied");
  assert.match(error.message, /does not include Codex/);
  assert.match(text, /does not include Codex/);
});

Deno.test("a callback without a code is answered 400 and ends the wait", async () => {
  await using handle = await start();
  const { server, redeemed } = handle;
  const { response } = await get(server, callbackQuery({ state: STATE }));
  assert.equal(response.status, 400);
  assert.equal(failed(await server.outcome).kind, "invalid_response");
  assert.deepEqual(redeemed, []);
});

Deno.test("a failed redemption shows its message in the browser and ends the wait", async () => {
  await using handle = await start({
    redeem: () =>
      Promise.resolve({ ok: false, error: { kind: "transient", message: "token endpoint down" } }),
  });
  const { server } = handle;
  const { response, text } = await get(server, callbackQuery({ code: "ac_1", state: STATE }));
  assert.equal(response.status, 502);
  assert.match(text, /token endpoint down/);
  assert.deepEqual(failed(await server.outcome), {
    kind: "transient",
    message: "token endpoint down",
  });
});

Deno.test("a second callback while the first is being redeemed is not redeemed again", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const codes: string[] = [];
  await using handle = await start({
    redeem: async ({ code }) => {
      codes.push(code);
      await held;
      return { ok: true, value: code };
    },
  });
  const { server } = handle;
  const first = get(server, callbackQuery({ code: "ac_1", state: STATE }));
  await waitUntil(() => codes.length > 0, "the first code to be redeemed");
  const second = await get(server, callbackQuery({ code: "ac_2", state: STATE }));
  assert.equal(second.response.status, 409);
  release();
  assert.equal((await first).response.status, 200);
  assert.equal(unwrap(await server.outcome), "ac_1");
  assert.deepEqual(codes, ["ac_1"]);
});

Deno.test("other paths are 404 and do not end the wait", async () => {
  await using handle = await start();
  const { server, isSettled } = handle;
  const { response } = await get(server, "/favicon.ico");
  assert.equal(response.status, 404);
  assert.equal(isSettled(), false);
});

Deno.test("/cancel ends the wait as aborted and closes the server", async () => {
  await using handle = await start();
  const { server } = handle;
  const { response } = await get(server, "/cancel");
  assert.equal(response.status, 200);
  assert.equal(failed(await server.outcome).kind, "aborted");
  await assertClosed(server.port);
});

Deno.test("an abort ends the wait as aborted and closes the server", async () => {
  const controller = new AbortController();
  await using handle = await start({ signal: controller.signal });
  const { server } = handle;
  controller.abort();
  assert.equal(failed(await server.outcome).kind, "aborted");
  await server.close();
  await assertClosed(server.port);
});

Deno.test("close() ends the wait, aborts a redemption in flight, and can be called twice", async () => {
  let redeemSignal: AbortSignal | undefined;
  await using handle = await start({
    redeem: (_callback, signal) => {
      redeemSignal = signal;
      return new Promise((resolve) =>
        signal.addEventListener(
          "abort",
          () => resolve({ ok: false, error: { kind: "aborted", message: "exchange cancelled" } }),
        )
      );
    },
  });
  const { server } = handle;
  const pending = get(server, callbackQuery({ code: "ac_1", state: STATE }));
  await waitUntil(() => redeemSignal !== undefined, "the exchange to start");
  await Promise.all([server.close(), server.close()]);
  assert.equal(redeemSignal?.aborted, true);
  assert.equal((await pending).response.status, 502);
  assert.equal(failed(await server.outcome).kind, "aborted");
  await assertClosed(server.port);
});

Deno.test("the server listens on 127.0.0.1 and ::1 on one port, and skips an address it cannot use", async () => {
  await using both = await start({ hostnames: ["127.0.0.1", "::1"] });
  assert.deepEqual(both.server.hostnames, ["127.0.0.1", "::1"]);
  assert.equal((await get(both.server, "/x", "::1")).response.status, 404);
  assert.equal((await get(both.server, "/x", "127.0.0.1")).response.status, 404);

  // 192.0.2.1 (TEST-NET-1) is on no interface, as ::1 is on a machine without IPv6.
  await using v4Only = await start({ hostnames: ["127.0.0.1", "192.0.2.1"] });
  assert.deepEqual(v4Only.server.hostnames, ["127.0.0.1"]);
});

Deno.test("a port busy on 127.0.0.1 falls back to the next port", async () => {
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await using handle = await start({ ports: [busy.addr.port, 0] });
  assert.notEqual(handle.server.port, busy.addr.port);
  assert.equal(handle.server.redirectUri, `http://localhost:${handle.server.port}/auth/callback`);
  await get(handle.server, callbackQuery({ code: "ac_1", state: STATE }));
  assert.equal(unwrap(await handle.server.outcome), "tokens:ac_1");
});

Deno.test("a port busy only on ::1 falls back too, and releases its 127.0.0.1 listener", async () => {
  using probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  using busy = Deno.listen({ hostname: "::1", port });
  await using handle = await start({ ports: [port, 0] });
  assert.notEqual(handle.server.port, port);
  assert.equal(busy.addr.port, port);
  // Binding 127.0.0.1 on that port again proves the half-made listener was let go.
  using reused = Deno.listen({ hostname: "127.0.0.1", port });
  assert.equal(reused.addr.port, port);
});

Deno.test("when every port is busy the server does not start, and says which ports", async () => {
  using first = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  using second = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const started = await startCallbackServer<string>({
    expectedState: STATE,
    redeem: () => Promise.reject(new Error("unreachable")),
    signal: new AbortController().signal,
    ports: [first.addr.port, second.addr.port],
  });
  const error = failed(started);
  assert.equal(error.kind, "transient");
  assert.match(
    error.message,
    new RegExp(`ports ${first.addr.port}, ${second.addr.port} already in use`),
  );
});
