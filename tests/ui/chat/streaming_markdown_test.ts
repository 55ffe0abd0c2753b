import assert from "node:assert/strict";
import { Markdown } from "@mariozechner/pi-tui";
import { StreamingMarkdown } from "../../../src/ui/chat/streaming_markdown.ts";
import { chatTheme } from "../../../src/ui/chat/theme.ts";
import { styleFor } from "../../../src/ui/style.ts";
import { loadLaterParts } from "../../../src/ui/chat/pi_tui.ts";

// The chat loads pi-tui's markdown and completion parts before anything shows or completes.
await loadLaterParts();

const theme = chatTheme(styleFor(true, undefined)).markdown;

/** Answers with every kind of block the chat shows, and the boundaries that must not be cut. */
const SAMPLES = [
  "Just one paragraph that wraps over more than one line when the terminal is narrow enough.",
  "# Title\n\nA paragraph.\n\n## Part\n\nAnother paragraph with **bold** and `code`.",
  "Intro:\n\n- one\n- two\n\n- three, after a blank line (a loose list)\n\nAfter the list.",
  "1. first\n2. second\n\n3. third\n\nDone.",
  "Code:\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nAfter the code.",
  "~~~\nfenced with tildes\n\n```\nnot a close\n~~~\n\nEnd.",
  "> a quote\n> more\n\n> another quote\n\nPlain.",
  "| a | b |\n|---|---|\n| 1 | 2 |\n\nBelow the table.",
  "Para\n\n    indented code\n\n    more indented code\n\nText.",
  "- item\n\n  continued inside the item\n\nOut.",
  "Line one\nline two of the same paragraph\n\n---\n\nAfter a rule.",
  "",
];

/** Streams `text` in pieces of `size` characters, rendering at `width` after each piece. */
function streamed(text: string, size: number, width: number): StreamingMarkdown {
  const stream = new StreamingMarkdown(theme);
  for (let at = 0; at < text.length; at += size) {
    stream.append(text.slice(at, at + size));
    stream.render(width);
  }
  return stream;
}

Deno.test("streamed markdown lays out as the whole text does, however it was cut", () => {
  for (const text of SAMPLES) {
    for (const width of [20, 80]) {
      const whole = new Markdown(text, 1, 0, theme).render(width);
      for (const size of [1, 3, 17, 1000]) {
        const stream = streamed(text, size, width);
        assert.deepEqual(
          stream.render(width),
          whole,
          `${JSON.stringify(text)} in pieces of ${size} at ${width} columns`,
        );
      }
    }
  }
});

Deno.test("a frame parses only the unfinished block: finished ones are laid out once", () => {
  const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} has a few words.`);
  const stream = new StreamingMarkdown(theme);
  let lexed = 0;
  const original = Markdown.prototype.render;
  Markdown.prototype.render = function (this: Markdown, width: number) {
    lexed++;
    return original.call(this, width);
  };
  try {
    for (const paragraph of paragraphs) {
      for (const word of paragraph.split(" ")) {
        stream.append(`${word} `);
        stream.render(80);
      }
      stream.append("\n\n");
    }
  } finally {
    Markdown.prototype.render = original;
  }
  const frames = paragraphs.join(" ").split(" ").length;
  // One layout of the tail a frame, and three of each finished block when it is cut off (alone,
  // with the start of the next, and its lines reused): never the whole answer again.
  assert.ok(lexed <= frames + 3 * paragraphs.length, `${lexed} renders for ${frames} frames`);
  assert.match(stream.render(80).join("\n"), /Paragraph 39 has a few words\./);
});

Deno.test("the final text replaces the streamed one only when it differs", () => {
  const stream = streamed("Hello **there**", 4, 40);
  const before = stream.render(40);
  stream.setText("Hello **there**");
  assert.equal(stream.render(40), before, "the same lines, not laid out again");
  stream.setText("Goodbye");
  assert.match(stream.render(40).join("\n"), /Goodbye/);
  assert.doesNotMatch(stream.render(40).join("\n"), /Hello/);
});

Deno.test("streamed text is made safe for the terminal, even split across deltas", () => {
  const stream = new StreamingMarkdown(theme);
  stream.append("before \x1b");
  stream.append("]0;owned\x07 after");
  const shown = stream.render(80).join("\n");
  assert.ok(!shown.includes("\x1b]0;owned"));
  assert.match(shown, /\^\[\]0;owned\^G/);
});
