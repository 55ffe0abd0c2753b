/**
 * `-i/--image` through the real CLI: the image is checked, sent as an `input_image` data URL, kept
 * in the session's data (0600) and logged by hash, so resume and export work after the original
 * file is gone.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  assertNoStackTrace,
  hintedSessionId,
  inputOf,
  permissions,
  sandbox,
  userItem,
} from "./helpers.ts";
import { chat, PROMPT_READY, send } from "./chat_pane.ts";

/** A 1×1 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);
/** The first bytes of a GIF, a JPEG and a WebP. */
const GIF = new TextEncoder().encode("GIF89a\x01\x00\x01\x00");
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const WEBP = new TextEncoder().encode("RIFF\x1a\x00\x00\x00WEBPVP8L");

function dataUrl(type: string, bytes: Uint8Array): string {
  return `data:${type};base64,${btoa(String.fromCharCode(...bytes))}`;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("an image is sent as input_image, kept in the session, and resume works without the file", async () => {
  await using box = await sandbox();
  await Deno.writeFile(join(box.workspace, "shot.png"), PNG);
  await Deno.writeFile(join(box.workspace, "anim.gif"), GIF);
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer("A red pixel.") },
      { sse: textAnswer("Still a pixel.", { responseId: "resp_2" }) },
    ],
  });
  const first = await box.run(["run", "-i", "shot.png", "--image", "anim.gif", "what is it?"], {
    server,
  });
  assert.equal(first.code, 0, first.stderr);
  const user = inputOf(server.requests[0]).at(-1);
  assert.deepEqual(user, {
    type: "message",
    role: "user",
    content: [
      { type: "input_text", text: "what is it?" },
      { type: "input_image", image_url: dataUrl("image/png", PNG) },
      { type: "input_image", image_url: dataUrl("image/gif", GIF) },
    ],
  });

  const id = hintedSessionId(first.stderr);
  const lines = await box.logLines(id);
  assert.ok(
    !lines.some((line) => line.includes(btoa(String.fromCharCode(...PNG)))),
    "no bytes inline",
  );
  const message = (await box.log(id)).find((event) => event.type === "user_message");
  const pngHash = await sha256(PNG);
  // The turn's environment is logged beside the prompt (see prompt_test.ts); here, the images.
  const data = { ...(message?.data as Record<string, unknown>) };
  assert.match(String(data.environment), /<environment_context>/);
  delete data.environment;
  assert.deepEqual(data, {
    text: "what is it?",
    images: [
      { sha256: pngHash, media_type: "image/png", bytes: PNG.length },
      { sha256: await sha256(GIF), media_type: "image/gif", bytes: GIF.length },
    ],
  });
  const kept = join(box.sessionsDir, `${id}.images`, pngHash);
  assert.deepEqual(await Deno.readFile(kept), PNG);
  assert.equal(await permissions(kept), 0o600);
  assert.equal(await permissions(join(box.sessionsDir, `${id}.images`)), 0o700);

  await Deno.remove(join(box.workspace, "shot.png"));
  await Deno.remove(join(box.workspace, "anim.gif"));
  const again = await box.run(["resume", id, "and now?"], { server });
  assert.equal(again.code, 0, again.stderr);
  const replayed = inputOf(server.requests[1]).find((item) =>
    item.role === "user" && JSON.stringify(item).includes("what is it?")
  );
  assert.deepEqual((replayed?.content as unknown[])[1], {
    type: "input_image",
    image_url: dataUrl("image/png", PNG),
  });
  assert.deepEqual(inputOf(server.requests[1]).at(-1), userItem("and now?"));

  const exported = await box.run(["export", id]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(
    exported.stdout,
    new RegExp(`_Image: image/png, ${PNG.length} bytes, sha256 ${pngHash}_`),
  );
});

Deno.test("JPEG and WebP are recognised by their bytes, whatever the file is called", async () => {
  await using box = await sandbox();
  await Deno.writeFile(join(box.workspace, "photo.bin"), JPEG);
  await Deno.writeFile(join(box.workspace, "pic"), WEBP);
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });
  const result = await box.run(["run", "-i", "photo.bin", "-i", "pic", "look"], { server });
  assert.equal(result.code, 0, result.stderr);
  const parts = inputOf(server.requests[0]).at(-1)?.content as { image_url?: string }[];
  assert.equal(parts[1].image_url, dataUrl("image/jpeg", JPEG));
  assert.equal(parts[2].image_url, dataUrl("image/webp", WEBP));
});

Deno.test("bad images are exit 2 before any request, each with its reason", async () => {
  await using box = await sandbox({ "notes.txt": "not an image\n" });
  await using server = startResponsesServer({ script: [{ sse: textAnswer("never") }] });
  const big = join(box.workspace, "big.png");
  const file = await Deno.open(big, { write: true, create: true });
  await file.write(PNG);
  await file.truncate(20 * 1024 * 1024 + 1);
  file.close();
  await Deno.writeFile(join(box.workspace, "ok.png"), PNG);
  const cases: [string[], RegExp][] = [
    [["-i", "missing.png"], /--image: .*missing\.png does not exist/],
    [["-i", "notes.txt"], /--image: .*notes\.txt is not a PNG, JPEG, GIF or WebP image/],
    [["-i", "big.png"], /--image: .*big\.png is 20\.0 MB, more than the 20\.0 MB an image may be/],
    [["-i", "."], /--image: .* is not a file/],
    [
      ["-m", "gpt-5.3-codex-spark", "-i", "ok.png"],
      /--image: the model gpt-5\.3-codex-spark takes no images/,
    ],
  ];
  for (const [flags, message] of cases) {
    const result = await box.run(["run", ...flags, "look"], { server });
    assert.equal(result.code, 2, `${flags.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assertNoStackTrace(result.stderr);
  }
  assert.equal(server.requests.length, 0);
  assert.deepEqual(await box.sessionIds(), [], "no session was created");
});

Deno.test("chat: @shot.png attaches the image to the message", async () => {
  await using box = await sandbox({ "notes.md": "# notes\n" });
  await Deno.writeFile(join(box.workspace, "shot.png"), PNG);
  await using server = startResponsesServer({ script: [{ sse: textAnswer("A pixel.") }] });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await send(pane, "what is in @shot.png and @notes.md ?");
  const screen = await pane.waitFor(/A pixel\./);
  assert.match(screen, /\[image: image\/png, 1 KB\]/);
  const parts = inputOf(server.requests[0]).at(-1)?.content as Record<string, string>[];
  assert.equal(parts[0].type, "input_text");
  assert.match(parts[0].text, /<file path="notes\.md">/);
  assert.doesNotMatch(parts[0].text, /shot\.png">/, "the image is not pasted as text");
  assert.deepEqual(parts[1], { type: "input_image", image_url: dataUrl("image/png", PNG) });
  const [id] = await box.sessionIds();
  const kept = await Array.fromAsync(Deno.readDir(join(box.sessionsDir, `${id}.images`)));
  assert.equal(kept.length, 1);
});

Deno.test("chat: an image for a model that takes none is refused with a clear message", async () => {
  await using box = await sandbox();
  await Deno.writeFile(join(box.workspace, "shot.png"), PNG);
  await using server = startResponsesServer({ script: [{ sse: textAnswer("never") }] });
  await using pane = await chat(box, server, { args: ["chat", "-m", "gpt-5.3-codex-spark"] });
  await pane.waitFor(PROMPT_READY);

  await send(pane, "look at @shot.png ?");
  await pane.waitFor(/the model gpt-5\.3-codex-spark takes no images; choose another with \/model/);
  assert.equal(server.requests.length, 0);
});

Deno.test("chat: a pasted path to an image attaches it, however the terminal quoted it", async () => {
  await using box = await sandbox({ "notes.md": "# notes\n" });
  // Screenshots live outside the workspace, with spaces in their names.
  const shots = join(box.root, "Desktop");
  await Deno.mkdir(shots);
  await Deno.writeFile(join(shots, "Screen Shot 1.png"), PNG);
  await Deno.writeFile(join(shots, "Screen Shot 2.jpg"), JPEG);
  await Deno.writeFile(join(shots, "plain.gif"), GIF);
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer("First.") },
      { sse: textAnswer("Second.", { responseId: "resp_2" }) },
      { sse: textAnswer("Third.", { responseId: "resp_3" }) },
      { sse: textAnswer("Fourth.", { responseId: "resp_4" }) },
    ],
  });
  await using pane = await chat(box, server, { columns: 160 });
  await pane.waitFor(PROMPT_READY);

  const pastes: [string, Uint8Array, string, string][] = [
    [`'${shots}/Screen Shot 1.png'`, PNG, "image/png", "First."],
    [`${shots.replaceAll(" ", "\\ ")}/Screen\\ Shot\\ 2.jpg`, JPEG, "image/jpeg", "Second."],
    [`file://${shots}/plain.gif`, GIF, "image/gif", "Third."],
  ];
  for (const [index, [pasted, bytes, type, reply]] of pastes.entries()) {
    await pane.type("what is this ");
    await pane.paste(pasted);
    await send(pane, " ?");
    await pane.waitFor(new RegExp(reply.replace(".", "\\.")));
    const parts = inputOf(server.requests[index]).at(-1)?.content as Record<string, string>[];
    assert.deepEqual(
      parts.at(-1),
      { type: "input_image", image_url: dataUrl(type, bytes) },
      pasted,
    );
  }
  // A pasted path to a text file stays text: nothing is attached, nothing outside is read.
  await Deno.writeTextFile(join(shots, "secret.txt"), "do not send\n");
  await pane.type("see ");
  await pane.paste(`${shots}/secret.txt`);
  await send(pane, "");
  await pane.waitFor(/Fourth\./);
  const last = inputOf(server.requests[3]).at(-1)?.content as Record<string, string>[];
  assert.equal(last.length, 1);
  assert.doesNotMatch(last[0].text, /do not send/);
  assert.match(last[0].text, /secret\.txt/);
  const [id] = await box.sessionIds();
  const kept = await Array.fromAsync(Deno.readDir(join(box.sessionsDir, `${id}.images`)));
  assert.equal(kept.length, 3, "the session keeps its own copies");
});

Deno.test("chat: an image for a provider that does not take images is refused before any request", async () => {
  await using box = await sandbox();
  await Deno.writeFile(join(box.workspace, "shot.png"), PNG);
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("never") }],
    rules: { bearer: null },
  });
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[model_providers.local]\nbase_url = "${server.url}"\n`,
  );
  await using pane = await chat(box, server, { args: ["chat", "--provider", "local"] });
  await pane.waitFor(PROMPT_READY);
  await send(pane, "look at @shot.png ?");
  await pane.waitFor(/the provider local does not accept images/);
  assert.equal(server.requests.length, 0);
});
