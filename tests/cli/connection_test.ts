/**
 * A connection that fails is told with its URL, its cause and what to check — against a real
 * refused port, a name that cannot resolve, TLS spoken to a plain server, a server that resets the
 * connection mid-stream, and one that goes silent.
 */

import assert from "node:assert/strict";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { chatgptLogin, jsonOutput, justAfter, sandbox, seedAuthFile } from "./helpers.ts";

/** A loopback port nobody listens on: bound, then closed. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

const NO_RETRIES = { PIXIR_MAX_RETRIES: "0" };

Deno.test("a refused connection names the URL, says refused, and what to check", async () => {
  await using box = await sandbox();
  const base = `http://127.0.0.1:${closedPort()}/v1`;

  const result = await box.run(["run", "--json", "hi"], {
    env: { ...NO_RETRIES, OPENAI_BASE_URL: base },
  });

  assert.equal(result.code, 1, result.stderr);
  const { error } = jsonOutput(result.stdout);
  assert.equal(error?.kind, "provider");
  assert.equal(
    error?.message,
    `${base}/responses: the connection was refused (nothing is listening there)`,
  );
  assert.equal(error?.details.cause, "refused");
  assert.match(String(error?.details.hint), /check that the URL and port are right/);
  assert.doesNotMatch(result.stderr, /fetch failed/);
  assert.match(result.stderr, /check that the URL and port are right/);
});

Deno.test("a host name that does not resolve is a DNS failure", async () => {
  await using box = await sandbox();
  // `.invalid` never resolves (RFC 6761).
  const base = "http://pixir-test.invalid/v1";

  const result = await box.run(["run", "--json", "hi"], {
    env: { ...NO_RETRIES, OPENAI_BASE_URL: base },
  });

  const { error } = jsonOutput(result.stdout);
  assert.equal(error?.details.cause, "dns", result.stdout);
  assert.match(
    String(error?.message),
    /pixir-test\.invalid\/v1\/responses: the host name could not be resolved/,
  );
});

Deno.test("https spoken to a plain-HTTP server is a TLS failure", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("never") }] });

  const result = await box.run(["run", "--json", "hi"], {
    env: { ...NO_RETRIES, OPENAI_BASE_URL: server.url.replace("http://", "https://") },
  });

  const { error } = jsonOutput(result.stdout);
  assert.equal(error?.details.cause, "tls", result.stdout);
  assert.match(String(error?.details.hint), /https:\/\/ vs http:\/\//);
});

Deno.test("a connection reset mid-stream says so, with the URL", async () => {
  await using box = await sandbox();
  const events = textAnswer("Half and half", { deltas: ["Half", " and half"] });
  await using server = startResponsesServer({
    script: [{
      sse: events,
      end: { cutAfter: justAfter(events, "response.output_text.delta"), reset: true },
    }],
  });

  const result = await box.run(["run", "hi"], { server, env: NO_RETRIES });

  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(`${server.url}/responses: the connection broke while the answer was streaming`),
  );
  assert.match(result.stderr, /check your network connection and proxy/);
});

Deno.test("a server that stalls mid-stream ends with the URL and the idle timeout", async () => {
  await using box = await sandbox();
  const events = textAnswer("Half and half", { deltas: ["Half", " and half"] });
  await using server = startResponsesServer({
    script: [{ sse: events, end: { stallAfter: justAfter(events, "response.output_text.delta") } }],
  });

  const result = await box.run(["run", "hi"], {
    server,
    env: { ...NO_RETRIES, PIXIR_STREAM_IDLE_TIMEOUT_MS: "300" },
  });

  assert.equal(result.code, 124, result.stderr);
  assert.match(result.stderr, new RegExp(`idle timeout: no data from ${server.url}/responses`));
  assert.match(result.stderr, /PIXIR_STREAM_IDLE_TIMEOUT_MS/);
});

Deno.test("a sign-in server that refuses the connection is named, with the cause, on refresh", async () => {
  await using box = await sandbox();
  const issuer = `http://127.0.0.1:${closedPort()}`;
  const expired = createAuthIssuer().issueTokens({ accessTokenSeconds: -60 });
  await seedAuthFile(box.home, chatgptLogin(issuer, expired));

  const result = await box.run(["run", "hi"], { apiKey: null });

  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(`could not reach ${issuer}/oauth/token: the connection was refused`),
  );
  assert.match(result.stderr, /check that the URL and port are right/);
  assert.doesNotMatch(result.stderr, /fetch failed/);
});
