/**
 * `pixir mcp login` against an MCP server that needs OAuth, built from oidc-provider and the MCP
 * SDK's server (tests/fakes/oidc/mcp_auth_server.mjs): discovery, dynamic client registration,
 * PKCE and the loopback redirect through the real CLI, then runs that use, refresh (once, across
 * processes) and lose the token.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import {
  type McpAuthServer,
  mcpAuthServerUnavailable,
  startMcpAuthServer,
} from "../fakes/mcp_auth_server.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { startLoopbackServer } from "../fakes/loopback_server.ts";
import { chat } from "./chat_pane.ts";
import { startEverythingHttp } from "../fakes/mcp_everything.ts";
import {
  assertNoStackTrace,
  bodyOf,
  browserOpenerStandIn,
  jsonObject,
  outputOf,
  permissions,
  type Sandbox,
  sandbox,
  waitForText,
} from "./helpers.ts";

const unavailable = mcpAuthServerUnavailable();
const POSIX = Deno.build.os !== "windows";

/**
 * The browser: follows the authorization server's redirects (keeping its cookies) until one
 * points at Pixir's loopback callback, and returns that URL.
 */
async function browse(start: URL): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 20; hop++) {
    if (url.hostname === "localhost") return url;
    const response = await fetch(url, {
      redirect: "manual",
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const eq = pair.indexOf("=");
      cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    await response.body?.cancel();
    const location = response.headers.get("location");
    assert.ok(location, `${url} answered ${response.status} without a redirect`);
    url = new URL(location, url);
  }
  assert.fail("the authorization server never sent the browser back");
}

/** `pixir mcp login secure`, with the browser driven by `browse`; returns the authorize URL. */
async function signIn(box: Sandbox): Promise<URL> {
  const opened = join(box.root, "opened-url");
  const path = await browserOpenerStandIn(box.root, opened);
  const login = box.run(["mcp", "login", "secure"], { env: { PATH: path }, timeoutMs: 60_000 });
  let authorize: URL;
  try {
    authorize = new URL(await waitForText(opened));
    const callback = await browse(authorize);
    callback.hostname = "127.0.0.1";
    const landed = await fetch(callback);
    assert.match(await landed.text(), /Signed in/);
    assert.equal(landed.status, 200);
  } catch (error) {
    await login.catch(() => {});
    throw error;
  }
  const result = await login;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /Signed in to the MCP server "secure"/);
  assert.ok(result.stderr.includes(authorize.href), "the URL is printed as well as opened");
  return authorize;
}

async function secureConfig(box: Sandbox, mcp: McpAuthServer): Promise<void> {
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[mcp_servers.secure]\nurl = "${mcp.url}"\n`,
  );
}

const credentialsFile = (box: Sandbox) => join(box.home, "mcp_auth", "secure.json");

/**
 * A run whose model calls the server's `whoami` tool; returns what the tool answered, or null
 * when the tool was not offered.
 */
async function whoami(box: Sandbox): Promise<{ output: string | null; stderr: string }> {
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({ name: "mcp__secure__whoami", arguments: "{}", callId: "call_who" }),
      },
      { sse: textAnswer("Done.") },
    ],
  });
  const result = await box.run(["run", "--allow-mcp", "who am I"], { server, timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  const tools = bodyOf(server.requests[0]).tools as { name: string }[];
  return {
    // Null when the server's tools were not offered (it did not start).
    output: tools.some((t) => t.name === "mcp__secure__whoami")
      ? outputOf(server.requests[1], "call_who")
      : null,
    stderr: result.stderr,
  };
}

Deno.test({
  name: "mcp login: discovery, registration, PKCE and the loopback redirect; runs use the token",
  ignore: unavailable !== null || !POSIX,
  async fn() {
    await using mcp = await startMcpAuthServer(3600);
    await using box = await sandbox();
    await secureConfig(box, mcp);

    const before = await whoami(box);
    assert.match(
      before.stderr,
      /MCP server "secure" is not available: .*sign in with `pixir mcp login secure`/,
    );
    assertNoStackTrace(before.stderr);

    const authorize = await signIn(box);
    assert.equal(`${authorize.origin}`, mcp.issuer, "found through the server's metadata");
    assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
    assert.equal(authorize.searchParams.get("resource"), mcp.url);
    const [registration] = mcp.registrations();
    assert.equal(registration.status, 201, "registered itself dynamically");
    assert.equal(registration.redirect_uris?.[0], authorize.searchParams.get("redirect_uri"));
    assert.match(
      String(registration.redirect_uris?.[0]),
      /^http:\/\/localhost:\d+\/auth\/callback$/,
    );
    assert.deepEqual(mcp.tokenRequests(), [{ grant_type: "authorization_code", status: 200 }]);

    const stored = jsonObject(await Deno.readTextFile(credentialsFile(box)));
    assert.equal(stored.server_url, mcp.url);
    assert.equal(await permissions(credentialsFile(box)), 0o600);
    assert.equal(await permissions(join(box.home, "mcp_auth")), 0o700);

    const after = await whoami(box);
    assert.equal(after.output, `signed in as ${mcp.account}`);
    assert.equal(mcp.tokenRequests().length, 1, "a fresh token is used as it is");

    const listed = await box.run(["mcp", "get", "secure", "--json"], { timeoutMs: 60_000 });
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(jsonObject(listed.stdout).state, "ready");
    assert.equal(jsonObject(listed.stdout).auth, "oauth");

    const out = await box.run(["mcp", "logout", "secure"]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Signed out of the MCP server "secure".*revoked the tokens/);
    assert.deepEqual(mcp.revocations(), [
      { hint: "refresh_token", status: 200 },
      { hint: "access_token", status: 200 },
    ]);
    await assert.rejects(Deno.stat(credentialsFile(box)), Deno.errors.NotFound);
    const gone = await whoami(box);
    assert.equal(gone.output, null, "the tool is not offered after logout");
    assert.match(gone.stderr, /pixir mcp login secure/);
  },
});

Deno.test({
  name:
    "mcp login: an expiring token is refreshed once for processes started together; a 401 refreshes",
  ignore: unavailable !== null || !POSIX,
  async fn() {
    // Thirty seconds: refreshed once less than fifteen are left.
    await using mcp = await startMcpAuthServer(30);
    await using box = await sandbox();
    await secureConfig(box, mcp);
    await signIn(box);
    const stored = jsonObject(await Deno.readTextFile(credentialsFile(box)));
    const wait = Number(stored.expires_at) - 15_000 - Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait + 500)));

    const runs = await Promise.all(
      [1, 2, 3].map(() => box.run(["mcp", "get", "secure", "--json"], { timeoutMs: 90_000 })),
    );
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(jsonObject(run.stdout).state, "ready");
    }
    const refreshes = () => mcp.tokenRequests().filter((r) => r.grant_type === "refresh_token");
    assert.equal(refreshes().length, 1, JSON.stringify(mcp.tokenRequests()));
    assert.equal(refreshes()[0].status, 200);
    const refreshed = jsonObject(await Deno.readTextFile(credentialsFile(box)));
    assert.notEqual(refreshed.tokens, stored.tokens);
    assert.equal(await permissions(credentialsFile(box)), 0o600);

    // A token the server no longer takes (but not expired by the clock): one 401, one refresh.
    const tokens = refreshed.tokens as Record<string, unknown>;
    await Deno.writeTextFile(
      credentialsFile(box),
      JSON.stringify({ ...refreshed, tokens: { ...tokens, access_token: "revoked" } }),
    );
    const again = await whoami(box);
    assert.equal(again.output, `signed in as ${mcp.account}`);
    assert.equal(refreshes().length, 2);

    // A dead refresh token: the run goes on without the server and says how to sign in.
    const latest = jsonObject(await Deno.readTextFile(credentialsFile(box)));
    await Deno.writeTextFile(
      credentialsFile(box),
      JSON.stringify({
        ...latest,
        tokens: { ...(latest.tokens as object), access_token: "revoked", refresh_token: "dead" },
      }),
    );
    const dead = await whoami(box);
    assert.equal(dead.output, null);
    assert.match(dead.stderr, /sign-in has expired: sign in with `pixir mcp login secure`/);
  },
});

Deno.test({
  name: "mcp login at a terminal over SSH: the address the browser ends up on is pasted",
  ignore: unavailable !== null || !POSIX,
  async fn() {
    await using mcp = await startMcpAuthServer(3600);
    await using box = await sandbox();
    await secureConfig(box, mcp);
    const opened = join(box.root, "opened-url");
    const path = await browserOpenerStandIn(box.root, opened);
    await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
    await using pane = await chat(box, server, {
      args: ["mcp", "login", "secure"],
      env: { PATH: path },
      columns: 200,
      after: 'echo "exit $status"; sleep 30',
    });
    await pane.waitFor(/paste the address it ends up on here/, 60_000);
    // The browser on another machine: its redirect to this machine's localhost goes nowhere.
    const callback = await browse(new URL(await waitForText(opened)));
    await pane.type("https://example.invalid/not-the-redirect?code=x&state=wrong");
    await pane.press("Enter");
    await pane.waitFor(/That did not work: state mismatch/);
    await pane.type(callback.href);
    await pane.press("Enter");
    const done = await pane.waitFor(/exit \d+/, 30_000);
    assert.match(done, /Signed in to the MCP server "secure"/);
    assert.match(done, /exit 0/);
    assert.equal(jsonObject(await Deno.readTextFile(credentialsFile(box))).server_url, mcp.url);
    assert.deepEqual(mcp.tokenRequests(), [{ grant_type: "authorization_code", status: 200 }]);
  },
});

Deno.test({
  name: "a stored sign-in is sent to its server only, and never shown or logged",
  ignore: unavailable !== null || !POSIX,
  async fn() {
    await using mcp = await startMcpAuthServer(3600);
    await using box = await sandbox();
    await secureConfig(box, mcp);
    await signIn(box);
    const stored = jsonObject(await Deno.readTextFile(credentialsFile(box)));
    const tokens = stored.tokens as Record<string, string>;

    const used = await whoami(box);
    assert.equal(used.output, `signed in as ${mcp.account}`);
    const [id] = await box.sessionIds();
    const log = await Deno.readTextFile(join(box.sessionsDir, `${id}.ndjson`));
    for (const secret of [tokens.access_token, tokens.refresh_token]) {
      assert.ok(!log.includes(secret) && !used.stderr.includes(secret), "no token in logs");
    }

    // The config now points the same name at another server: it must not get the token.
    await using other = startLoopbackServer([]);
    await Deno.writeTextFile(
      join(box.home, "config.toml"),
      `[mcp_servers.secure]\nurl = "${other.origin}/mcp"\n`,
    );
    const elsewhere = await whoami(box);
    assert.equal(elsewhere.output, null);
    assert.ok(other.requests.length > 0, "the other server was asked");
    for (const request of other.requests) {
      assert.equal(request.headers.authorization, undefined, "no token sent elsewhere");
    }
  },
});

Deno.test("mcp login refuses stdio servers, bearer-token servers and unknown names", async () => {
  await using box = await sandbox();
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[mcp_servers.local]\ncommand = "node"\n\n[mcp_servers.keyed]\nurl = "http://127.0.0.1:1/mcp"\n` +
      `bearer_token_env_var = "KEYED_TOKEN"\n`,
  );
  const stdio = await box.run(["mcp", "login", "local"]);
  assert.equal(stdio.code, 2);
  assert.match(stdio.stderr, /"local" is a stdio server/);
  const keyed = await box.run(["mcp", "login", "keyed"]);
  assert.equal(keyed.code, 2);
  assert.match(keyed.stderr, /bearer_token_env_var/);
  const unknown = await box.run(["mcp", "login", "nope"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no MCP server named "nope"/);
  const nothing = await box.run(["mcp", "logout", "nope"]);
  assert.equal(nothing.code, 0);
  assert.match(nothing.stderr, /No sign-in is stored/);
  for (const r of [stdio, keyed, unknown, nothing]) assertNoStackTrace(r.stderr);
});

Deno.test("mcp login to a server that offers no OAuth says so and saves nothing", async () => {
  await using http = await startEverythingHttp();
  await using box = await sandbox();
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[mcp_servers.open]\nurl = "${http.url}"\n`,
  );
  const result = await box.run(["mcp", "login", "open"], { timeoutMs: 60_000 });
  assert.equal(result.code, 4, result.stderr);
  assert.match(
    result.stderr,
    /mcp login: http:\/\/127\.0\.0\.1:\d+\/mcp publishes no OAuth metadata/,
  );
  assert.match(result.stderr, /bearer_token_env_var/);
  assert.match(result.stderr, /nothing was saved/);
  assertNoStackTrace(result.stderr);
  await assert.rejects(Deno.stat(join(box.home, "mcp_auth", "open.json")), Deno.errors.NotFound);
});

Deno.test({
  name: "mcp login to an authorization server without client registration says so",
  ignore: unavailable !== null,
  async fn() {
    await using mcp = await startMcpAuthServer(3600, { registration: false });
    await using box = await sandbox();
    await secureConfig(box, mcp);
    const result = await box.run(["mcp", "login", "secure"], { timeoutMs: 60_000 });
    assert.equal(result.code, 4, result.stderr);
    assert.ok(
      result.stderr.includes(
        `the authorization server ${mcp.issuer} of ${mcp.url} offers no dynamic client registration`,
      ),
      result.stderr,
    );
    assertNoStackTrace(result.stderr);
    assert.deepEqual(mcp.registrations(), []);
  },
});

Deno.test("a damaged sign-in file is named with the fix, never used or replaced by a run", async () => {
  await using box = await sandbox();
  await using remote = startLoopbackServer([]);
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[mcp_servers.secure]\nurl = "${remote.origin}/mcp"\n`,
  );
  await Deno.mkdir(join(box.home, "mcp_auth"), { recursive: true });
  await Deno.writeTextFile(credentialsFile(box), '{"version": 1, "tokens": ');
  const run = await whoami(box);
  assert.equal(run.output, null);
  assert.match(
    run.stderr,
    /MCP server "secure" is not available: .*secure\.json is not a valid MCP sign-in \(not JSON\); remove it with `pixir mcp logout`/,
  );
  assertNoStackTrace(run.stderr);
  assert.equal(remote.requests.length, 0, "nothing is sent with a sign-in that cannot be read");
  assert.equal(await Deno.readTextFile(credentialsFile(box)), '{"version": 1, "tokens": ');

  const out = await box.run(["mcp", "logout", "secure"]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr, /could not be revoked/);
  await assert.rejects(Deno.stat(credentialsFile(box)), Deno.errors.NotFound);
});
