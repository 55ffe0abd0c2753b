/** Endpoint probes against loopback servers: any answer is reachable, silence is an error. */

import assert from "node:assert/strict";
import { endpointChecks, type ProbeDeps } from "../../src/doctor/reachability.ts";
import { startLoopbackServer } from "../fakes/loopback_server.ts";

const deps = (timeoutMs = 2_000): ProbeDeps => ({ fetch, now: Date.now, timeoutMs });

Deno.test("an endpoint that answers, even 404, is reachable", async () => {
  await using server = startLoopbackServer([]);
  const [result] = await endpointChecks(
    [{ id: "openai", variable: "OPENAI_BASE_URL", url: `${server.origin}/v1`, used: true }],
    deps(),
    false,
  );
  assert.equal(result.id, "endpoint.openai");
  assert.equal(result.status, "ok");
  assert.match(result.summary, /reachable \(HTTP 404, \d+ ms\)/);
  assert.deepEqual(server.requests.map((r) => [r.method, r.path]), [["HEAD", "/v1"]]);
});

Deno.test("a closed port is an error naming the variable to fix", async () => {
  const [result] = await endpointChecks(
    [{
      id: "chatgpt",
      variable: "PIXIR_CHATGPT_BASE_URL",
      url: "http://127.0.0.1:1/x",
      used: true,
    }],
    deps(),
    false,
  );
  assert.equal(result.status, "error");
  assert.match(result.summary, /^http:\/\/127\.0\.0\.1:1\/x unreachable: /);
  assert.match(result.fix!, /PIXIR_CHATGPT_BASE_URL/);
});

Deno.test("an unreachable endpoint the active credential does not use is only a warning", async () => {
  const [result] = await endpointChecks(
    [{ id: "openai", variable: "OPENAI_BASE_URL", url: "http://127.0.0.1:1/v1", used: false }],
    deps(),
    false,
  );
  assert.equal(result.status, "warn");
  assert.match(result.summary, /unreachable \(not used by the active credential\): /);
});

Deno.test("a server that never answers times out", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    const [result] = await endpointChecks(
      [{
        id: "auth_issuer",
        variable: "PIXIR_AUTH_ISSUER",
        url: `http://127.0.0.1:${listener.addr.port}`,
        used: true,
      }],
      deps(150),
      false,
    );
    assert.equal(result.status, "error");
    assert.match(result.summary, /no answer within 150 ms/);
  } finally {
    listener.close();
    held.forEach((conn) => conn.close());
    await accepting.catch(() => {});
  }
});

Deno.test("offline skips every probe without touching the network", async () => {
  let calls = 0;
  const results = await endpointChecks(
    [
      { id: "a", variable: "A", url: "http://127.0.0.1:1", used: true },
      { id: "b", variable: "B", url: "http://127.0.0.1:2", used: true },
    ],
    { fetch: () => Promise.resolve(new Response(String(++calls))), now: Date.now, timeoutMs: 10 },
    true,
  );
  assert.deepEqual(results.map((r) => r.status), ["skip", "skip"]);
  assert.equal(calls, 0);
});
