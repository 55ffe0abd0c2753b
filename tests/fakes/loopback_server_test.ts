import assert from "node:assert/strict";
import { zstdCompressSync } from "node:zlib";
import { startLoopbackServer } from "./loopback_server.ts";

const events = [{ type: "a" }, { type: "b" }];

Deno.test("the loopback server routes by method and path and records each request", async () => {
  await using server = startLoopbackServer([
    { method: "POST", path: "/oauth/token", handle: () => ({ status: 200, body: { ok: true } }) },
  ]);
  const form = await fetch(`${server.origin}/oauth/token?x=1`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Custom": "Yes" },
    body: "grant_type=refresh_token",
  });
  assert.deepEqual(await form.json(), { ok: true });
  const json = await fetch(`${server.origin}/oauth/token`, { method: "POST", body: '{"a":1}' });
  await json.body?.cancel();
  const wrongMethod = await fetch(`${server.origin}/oauth/token`);
  assert.equal(wrongMethod.status, 404);
  assert.match(await wrongMethod.text(), /no route for GET \/oauth\/token/);

  assert.equal(server.requests.length, 3);
  const [first, second] = server.requests;
  assert.equal(first.method, "POST");
  assert.equal(first.path, "/oauth/token");
  assert.equal(first.search, "?x=1");
  assert.equal(first.headers["x-custom"], "Yes");
  assert.equal(first.headers["content-type"], "application/x-www-form-urlencoded");
  assert.equal(first.text, "grant_type=refresh_token");
  assert.equal(first.body, undefined);
  assert.deepEqual(second.body, { a: 1 });
  assert.equal(server.requests[2].method, "GET");
});

Deno.test("the loopback server answers 500 when a route handler throws", async () => {
  await using server = startLoopbackServer([
    { method: "GET", path: "/boom", handle: () => Promise.reject(new Error("broken script")) },
  ]);
  const response = await fetch(`${server.origin}/boom`);
  assert.equal(response.status, 500);
  assert.match(await response.text(), /broken script/);
});

Deno.test("the loopback server refuses two routes for the same endpoint", () => {
  const route = { method: "GET", path: "/x", handle: () => ({ status: 204, body: "" }) };
  assert.throws(() => startLoopbackServer([route, { ...route, method: "get" }]), /duplicate/);
});

Deno.test("close() ends a hanging stream a client is reading, and can be called twice", async () => {
  const server = startLoopbackServer([
    { method: "GET", path: "/s", handle: () => ({ sse: events, chunking: "whole", end: "hang" }) },
  ]);
  const response = await fetch(`${server.origin}/s`);
  const reader = response.body!.getReader();
  await reader.read();
  const pending = reader.read();
  await Promise.all([server.close(), server.close()]);
  assert.equal((await pending).done, true);
});

Deno.test("a stream cut with reset breaks the connection instead of ending the body", async () => {
  await using server = startLoopbackServer([
    {
      method: "GET",
      path: "/s",
      handle: () => ({ sse: events, end: { cutAfter: 1, reset: true } }),
    },
  ]);
  const response = await fetch(`${server.origin}/s`);
  await assert.rejects(response.text());
});

Deno.test("zstd bodies are decoded like the real backend does; other encodings are refused", async () => {
  await using server = startLoopbackServer([
    { method: "POST", path: "/r", handle: () => ({ status: 200, body: { ok: true } }) },
  ]);
  const json = JSON.stringify({ input: "x".repeat(1000) });
  const compressed = new Uint8Array(zstdCompressSync(new TextEncoder().encode(json)));
  const ok = await fetch(`${server.origin}/r`, {
    method: "POST",
    headers: { "Content-Encoding": "zstd" },
    body: compressed,
  });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const [request] = server.requests;
  assert.equal(request.text, json);
  assert.equal(request.wireBytes, compressed.length);
  for (const [encoding, body] of [["br", json], ["zstd", "not zstd"]]) {
    const refused = await fetch(`${server.origin}/r`, {
      method: "POST",
      headers: { "Content-Encoding": encoding },
      body,
    });
    assert.equal(refused.status, 415, encoding);
    await refused.body?.cancel();
  }
  assert.equal(server.requests.length, 1, "refused bodies are not recorded");
});
