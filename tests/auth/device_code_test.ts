import assert from "node:assert/strict";
import {
  DEVICE_CODE_TIMEOUT_MS,
  type DeviceCode,
  deviceCodeLogin,
  type DeviceCodeLoginDeps,
  deviceRedirectUri,
  type PollDeps,
  pollForAuthorization,
  requestUserCode,
} from "../../src/auth/device_code.ts";
import { CLIENT_ID, type TokenSet } from "../../src/auth/oauth.ts";
import { exchangeAuthorizationCode } from "../../src/auth/token_endpoint.ts";
import { fakeAccessToken } from "../fakes/jwt.ts";
import { type LoopbackServer, startLoopbackServer } from "../fakes/loopback_server.ts";
import type { Reply } from "../fakes/reply.ts";
import { failed, unwrap } from "./result.ts";
import { waitUntil } from "../harness/wait.ts";

const USER_CODE_PATH = "/api/accounts/deviceauth/usercode";
const POLL_PATH = "/api/accounts/deviceauth/token";

/** A route that answers with `replies` in turn, repeating the last one. */
function route(path: string, replies: readonly Reply[]) {
  let next = 0;
  return {
    method: "POST",
    path,
    handle: () => replies[Math.min(next++, replies.length - 1)],
  };
}

/** A clock that only moves when the flow sleeps, and a record of every sleep. */
function fakeTime(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

/** A sleep that only ends when `signal` aborts, as a real sleep does when Ctrl+C arrives. */
function untilAborted(_ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

function pollDeps(server: LoopbackServer, overrides: Partial<PollDeps> = {}): PollDeps {
  return {
    fetch,
    issuer: server.origin,
    signal: new AbortController().signal,
    ...fakeTime(),
    ...overrides,
  };
}

function deviceCode(intervalMs = 5_000): DeviceCode {
  return {
    deviceAuthId: "dev-1",
    userCode: "ABCD-EFGH",
    intervalMs,
    verificationUrl: "unused",
  };
}

const APPROVED: Reply = {
  status: 200,
  body: { authorization_code: "ac_1", code_challenge: "ignored", code_verifier: "server-verifier" },
};
const PENDING_403: Reply = {
  status: 403,
  body: { error: { code: "deviceauth_authorization_unknown" } },
};

// ---- requestUserCode --------------------------------------------------------------------------

Deno.test("requestUserCode posts the client id as JSON and reads a string interval", async () => {
  await using server = startLoopbackServer([
    route(USER_CODE_PATH, [{
      status: 200,
      body: { device_auth_id: "dev-1", user_code: "ABCD-EFGH", interval: "5" },
    }]),
  ]);
  const code = unwrap(await requestUserCode(pollDeps(server)));
  assert.deepEqual(code, {
    deviceAuthId: "dev-1",
    userCode: "ABCD-EFGH",
    intervalMs: 5_000,
    verificationUrl: `${server.origin}/codex/device`,
  });
  const [request] = server.requests;
  assert.equal(request.method, "POST");
  assert.equal(request.path, USER_CODE_PATH);
  assert.equal(request.headers["content-type"], "application/json");
  assert.equal(request.text, JSON.stringify({ client_id: CLIENT_ID }));
});

Deno.test("requestUserCode reads the interval as a number, a string, or its 5 s default", async () => {
  const cases: [unknown, number][] = [
    [7, 7_000],
    [" 3 ", 3_000],
    [undefined, 5_000],
    ["soon", 5_000],
    [0, 1_000],
    ["0", 1_000],
    [0.2, 1_000],
    [-4, 1_000],
  ];
  for (const [interval, expected] of cases) {
    await using server = startLoopbackServer([
      route(USER_CODE_PATH, [{
        status: 200,
        body: {
          device_auth_id: "d",
          user_code: "U",
          ...(interval === undefined ? {} : { interval }),
        },
      }]),
    ]);
    const code = unwrap(await requestUserCode(pollDeps(server)));
    assert.equal(code.intervalMs, expected, `interval ${JSON.stringify(interval)}`);
  }
});

Deno.test("requestUserCode accepts the usercode spelling of the user code", async () => {
  await using server = startLoopbackServer([
    route(USER_CODE_PATH, [{ status: 200, body: { device_auth_id: "d", usercode: "WXYZ-1234" } }]),
  ]);
  assert.equal(unwrap(await requestUserCode(pollDeps(server))).userCode, "WXYZ-1234");
});

Deno.test("a 404 for the user code means device sign-in is not enabled, with the way out", async () => {
  await using server = startLoopbackServer([
    route(USER_CODE_PATH, [{ status: 404, body: "Not Found" }]),
  ]);
  const error = failed(await requestUserCode(pollDeps(server)));
  assert.equal(error.kind, "not_enabled");
  assert.equal(error.status, 404);
  assert.match(error.message, /not enabled/);
  assert.match(error.message, /Settings → Security/);
  assert.match(error.message, /device code authorization for Codex/);
  assert.match(error.message, /pixir login --browser/);
});

Deno.test("other failures of the user-code request keep their status and kind", async () => {
  const cases: [Reply, string][] = [
    [{ status: 503, body: "upstream down" }, "transient"],
    [{ status: 429, body: {} }, "transient"],
    [
      { status: 400, body: { error: "invalid_client", error_description: "Unknown" } },
      "invalid_response",
    ],
  ];
  for (const [reply, kind] of cases) {
    await using server = startLoopbackServer([route(USER_CODE_PATH, [reply])]);
    const error = failed(await requestUserCode(pollDeps(server)));
    assert.equal(error.kind, kind);
    assert.equal(error.status, "status" in reply ? reply.status : undefined);
    assert.match(error.message, new RegExp(`HTTP ${error.status}`));
  }
});

Deno.test("a user-code reply without the ids it promises is an invalid response", async () => {
  for (
    const body of [{ user_code: "U" }, { device_auth_id: "d" }, {
      device_auth_id: "",
      user_code: "U",
    }]
  ) {
    await using server = startLoopbackServer([route(USER_CODE_PATH, [{ status: 200, body }])]);
    assert.equal(failed(await requestUserCode(pollDeps(server))).kind, "invalid_response");
  }
  await using html = startLoopbackServer([
    route(USER_CODE_PATH, [{ status: 200, body: "<html>hi</html>" }]),
  ]);
  assert.equal(failed(await requestUserCode(pollDeps(html))).kind, "invalid_response");
});

Deno.test("an unreachable issuer is a transient failure", async () => {
  const server = startLoopbackServer([]);
  const deps = pollDeps(server);
  await server.close();
  const error = failed(await requestUserCode(deps));
  assert.equal(error.kind, "transient");
  assert.match(error.message, /could not reach/);
});

Deno.test("requestUserCode with an aborted signal fails as aborted without a request", async () => {
  await using server = startLoopbackServer([]);
  const controller = new AbortController();
  controller.abort();
  const error = failed(await requestUserCode(pollDeps(server, { signal: controller.signal })));
  assert.equal(error.kind, "aborted");
  assert.equal(server.requests.length, 0);
});

// ---- pollForAuthorization ---------------------------------------------------------------------

Deno.test("polling posts the ids as JSON and returns the server's code and verifier", async () => {
  await using server = startLoopbackServer([route(POLL_PATH, [APPROVED])]);
  const time = fakeTime();
  const authorization = unwrap(
    await pollForAuthorization(pollDeps(server, time), deviceCode()),
  );
  assert.deepEqual(authorization, { authorizationCode: "ac_1", codeVerifier: "server-verifier" });
  assert.deepEqual(time.sleeps, []);
  const [request] = server.requests;
  assert.equal(request.path, POLL_PATH);
  assert.equal(request.headers["content-type"], "application/json");
  assert.equal(request.text, JSON.stringify({ device_auth_id: "dev-1", user_code: "ABCD-EFGH" }));
});

Deno.test("403, 404 and deviceauth_authorization_pending each mean: wait the interval, poll again", async () => {
  const pending: Reply[] = [
    PENDING_403,
    { status: 404, body: "" },
    { status: 400, body: { error: { code: "deviceauth_authorization_pending" } } },
    { status: 428, body: { error: "deviceauth_authorization_pending" } },
  ];
  await using server = startLoopbackServer([route(POLL_PATH, [...pending, APPROVED])]);
  const time = fakeTime();
  const authorization = unwrap(
    await pollForAuthorization(pollDeps(server, time), deviceCode(3_000)),
  );
  assert.equal(authorization.authorizationCode, "ac_1");
  assert.deepEqual(time.sleeps, [3_000, 3_000, 3_000, 3_000]);
  assert.equal(server.requests.length, 5);
});

Deno.test("slow_down widens the interval by 5 s for every later wait", async () => {
  await using server = startLoopbackServer([
    route(POLL_PATH, [
      PENDING_403,
      { status: 400, body: { error: "slow_down" } },
      PENDING_403,
      { status: 429, body: {} },
      PENDING_403,
      APPROVED,
    ]),
  ]);
  const time = fakeTime();
  unwrap(await pollForAuthorization(pollDeps(server, time), deviceCode(2_000)));
  assert.deepEqual(time.sleeps, [2_000, 7_000, 7_000, 12_000, 12_000]);
});

Deno.test("a declined or expired sign-in is denied, with the server's reason", async () => {
  const cases: Reply[] = [
    { status: 400, body: { error: "authorization_declined", error_description: "Denied" } },
    { status: 400, body: { error: { code: "access_denied", message: "No" } } },
    { status: 410, body: { error: "deviceauth_expired" } },
  ];
  for (const reply of cases) {
    await using server = startLoopbackServer([route(POLL_PATH, [PENDING_403, reply])]);
    const error = failed(await pollForAuthorization(pollDeps(server), deviceCode()));
    assert.equal(error.kind, "denied");
    assert.equal(error.status, "status" in reply ? reply.status : undefined);
    assert.match(error.message, /declined or has expired/);
    assert.match(error.message, /pixir login/);
  }
  await using server = startLoopbackServer([route(POLL_PATH, [cases[0]])]);
  const error = failed(await pollForAuthorization(pollDeps(server), deviceCode()));
  assert.equal(error.code, "authorization_declined");
  assert.match(error.message, /authorization_declined: Denied/);
});

Deno.test("a passing server error while polling is waited out", async () => {
  await using server = startLoopbackServer([
    route(POLL_PATH, [PENDING_403, { status: 502, body: "bad gateway" }, PENDING_403, APPROVED]),
  ]);
  const time = fakeTime();
  const approval = unwrap(await pollForAuthorization(pollDeps(server, time), deviceCode()));
  assert.equal(approval.authorizationCode, "ac_1");
  // Every poll was made: the 502 was waited out like a pending answer, not returned as a failure.
  assert.equal(server.requests.length, 4);
  assert.equal(time.sleeps.length, 3, "one wait before each poll after the first");
});

Deno.test("server errors on every poll end the wait as transient after a few tries", async () => {
  await using server = startLoopbackServer([
    route(POLL_PATH, [PENDING_403, { status: 502, body: "bad gateway" }]),
  ]);
  const error = failed(await pollForAuthorization(pollDeps(server), deviceCode()));
  assert.equal(error.kind, "transient");
  assert.equal(error.status, 502);
  assert.equal(server.requests.length, 5, "one pending poll, then four failing ones");
});

Deno.test("an approval without a code or verifier is an invalid response", async () => {
  await using server = startLoopbackServer([
    route(POLL_PATH, [{ status: 200, body: { authorization_code: "ac_1" } }]),
  ]);
  const error = failed(await pollForAuthorization(pollDeps(server), deviceCode()));
  assert.equal(error.kind, "invalid_response");
  assert.match(error.message, /code_verifier/);
});

Deno.test("polling gives up 15 minutes after the first poll, the last wait cut to fit", async () => {
  await using server = startLoopbackServer([route(POLL_PATH, [PENDING_403])]);
  const time = fakeTime();
  const error = failed(await pollForAuthorization(pollDeps(server, time), deviceCode(420_000)));
  assert.equal(error.kind, "timeout");
  assert.match(error.message, /15 minutes/);
  assert.deepEqual(time.sleeps, [420_000, 420_000, 60_000]);
  assert.equal(time.sleeps.reduce((sum, ms) => sum + ms, 0), DEVICE_CODE_TIMEOUT_MS);
  assert.equal(server.requests.length, 4);
});

Deno.test("an abort during the wait ends polling at once as aborted", async () => {
  await using server = startLoopbackServer([route(POLL_PATH, [PENDING_403])]);
  const controller = new AbortController();
  const sleep = (ms: number, signal: AbortSignal) => {
    const woken = untilAborted(ms, signal);
    controller.abort();
    return woken;
  };
  const deps = pollDeps(server, { signal: controller.signal, sleep });
  const error = failed(await pollForAuthorization(deps, deviceCode()));
  assert.equal(error.kind, "aborted");
  assert.equal(server.requests.length, 1);
});

Deno.test("an abort while the poll's answer hangs ends polling as aborted", async () => {
  await using server = startLoopbackServer([route(POLL_PATH, [{ sse: [], end: "hang" }])]);
  const controller = new AbortController();
  const polling = pollForAuthorization(
    pollDeps(server, { signal: controller.signal }),
    deviceCode(),
  );
  await waitUntil(() => server.requests.length > 0, "the first poll");
  controller.abort();
  assert.equal(failed(await polling).kind, "aborted");
});

// ---- deviceCodeLogin --------------------------------------------------------------------------

const TOKENS: TokenSet = { id_token: "id", access_token: "access", refresh_token: "refresh" };

function loginDeps(server: LoopbackServer, overrides: Partial<DeviceCodeLoginDeps> = {}) {
  const shown: DeviceCode[] = [];
  const exchanges: { deps: unknown; args: unknown }[] = [];
  const deps: DeviceCodeLoginDeps = {
    ...pollDeps(server),
    onCode: (code) => {
      shown.push(code);
      assert.equal(server.requests.length, 1, "the code is shown before the first poll");
    },
    exchange: (deps, args) => {
      exchanges.push({ deps, args });
      return Promise.resolve({ ok: true, value: TOKENS });
    },
    ...overrides,
  };
  return { deps, shown, exchanges };
}

Deno.test("deviceCodeLogin shows the code, polls, and exchanges with the device redirect URI", async () => {
  await using server = startLoopbackServer([
    route(USER_CODE_PATH, [{
      status: 200,
      body: { device_auth_id: "dev-1", user_code: "ABCD-EFGH", interval: 1 },
    }]),
    route(POLL_PATH, [PENDING_403, APPROVED]),
  ]);
  const { deps, shown, exchanges } = loginDeps(server);
  assert.deepEqual(unwrap(await deviceCodeLogin(deps)), TOKENS);
  assert.deepEqual(shown.map((code) => [code.userCode, code.verificationUrl]), [
    ["ABCD-EFGH", `${server.origin}/codex/device`],
  ]);
  assert.deepEqual(exchanges, [{
    deps: { fetch, issuer: server.origin, signal: deps.signal },
    args: {
      code: "ac_1",
      codeVerifier: "server-verifier",
      redirectUri: `${server.origin}/deviceauth/callback`,
    },
  }]);
  assert.equal(
    deviceRedirectUri("https://auth.openai.com"),
    "https://auth.openai.com/deviceauth/callback",
  );
});

Deno.test("deviceCodeLogin stops at the first failing step", async () => {
  await using server = startLoopbackServer([route(USER_CODE_PATH, [{ status: 404, body: "" }])]);
  const { deps, shown, exchanges } = loginDeps(server);
  assert.equal(failed(await deviceCodeLogin(deps)).kind, "not_enabled");
  assert.equal(shown.length, 0);
  assert.equal(exchanges.length, 0);

  await using declining = startLoopbackServer([
    route(USER_CODE_PATH, [{ status: 200, body: { device_auth_id: "d", user_code: "U" } }]),
    route(POLL_PATH, [{ status: 400, body: { error: "authorization_declined" } }]),
  ]);
  const second = loginDeps(declining);
  assert.equal(failed(await deviceCodeLogin(second.deps)).kind, "denied");
  assert.equal(second.shown.length, 1);
  assert.equal(second.exchanges.length, 0);
});

Deno.test("deviceCodeLogin passes the exchange's failure through", async () => {
  await using server = startLoopbackServer([
    route(USER_CODE_PATH, [{ status: 200, body: { device_auth_id: "d", user_code: "U" } }]),
    route(POLL_PATH, [APPROVED]),
  ]);
  const { deps } = loginDeps(server, {
    exchange: () =>
      Promise.resolve({ ok: false, error: { kind: "rejected", message: "invalid_grant" } }),
  });
  assert.deepEqual(failed(await deviceCodeLogin(deps)), {
    kind: "rejected",
    message: "invalid_grant",
  });
});

Deno.test("deviceCodeLogin wired to the real exchange posts the form the token endpoint expects", async () => {
  const tokens = {
    id_token: fakeAccessToken({ exp: 2_000_000_000 }),
    access_token: fakeAccessToken({ exp: 2_000_000_000 }),
    refresh_token: "rt_1",
  };
  await using server = startLoopbackServer([
    route(USER_CODE_PATH, [{ status: 200, body: { device_auth_id: "d", user_code: "U" } }]),
    route(POLL_PATH, [APPROVED]),
    route("/oauth/token", [{ status: 200, body: tokens }]),
  ]);
  const { deps } = loginDeps(server, { exchange: exchangeAuthorizationCode });
  assert.deepEqual(unwrap(await deviceCodeLogin(deps)), tokens);
  const exchange = server.requests[2];
  assert.equal(exchange.path, "/oauth/token");
  assert.equal(exchange.headers["content-type"], "application/x-www-form-urlencoded");
  assert.deepEqual(Object.fromEntries(new URLSearchParams(exchange.text)), {
    grant_type: "authorization_code",
    code: "ac_1",
    redirect_uri: `${server.origin}/deviceauth/callback`,
    client_id: CLIENT_ID,
    code_verifier: "server-verifier",
  });
});
