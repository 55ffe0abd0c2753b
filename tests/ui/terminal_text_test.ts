import assert from "node:assert/strict";
import { terminalLine, terminalText, textFor } from "../../src/ui/terminal_text.ts";

const ESC = "\x1b";
const BEL = "\x07";

/** True when `text` holds a character a terminal would act on rather than show. */
function hasControl(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/
    .test(text);
}

Deno.test("an OSC title sequence is shown, not obeyed", () => {
  assert.equal(terminalText(`${ESC}]0;TITLE-HIJACK${BEL}`), "^[]0;TITLE-HIJACK^G");
});

Deno.test("a CSI that clears the screen or a line is shown in caret notation", () => {
  assert.equal(terminalText(`${ESC}[2J${ESC}[2K${ESC}[1G`), "^[[2J^[[2K^[[1G");
});

Deno.test("a carriage return is shown, so it cannot overwrite what a line showed", () => {
  assert.equal(terminalText("touch x\r   ls -la"), "touch x^M   ls -la");
  assert.equal(terminalText("a\r\nb"), "a^M\nb");
});

Deno.test("newlines and tabs stay by default and are shown on one line", () => {
  assert.equal(terminalText("a\n\tb"), "a\n\tb");
  assert.equal(terminalLine("a\n\tb"), "a^J^Ib");
  assert.equal(terminalText("a\n\tb", { tabs: false }), "a\n^Ib");
  assert.equal(terminalText("a\n\tb\r", { newlines: false }), "a^J\tb^M");
});

Deno.test("C1 controls (8-bit CSI, OSC) and DEL are made visible", () => {
  assert.equal(terminalText("\u009b2J\u009d0;x\u009c\u007f"), "<U+009B>2J<U+009D>0;x<U+009C>^?");
});

Deno.test("bidi overrides and isolates are made visible", () => {
  assert.equal(
    terminalText("rm \u202efdp.exe\u202c \u2066x\u2069 \u200f"),
    "rm <U+202E>fdp.exe<U+202C> <U+2066>x<U+2069> <U+200F>",
  );
});

Deno.test("printable text, wide characters and emoji pass unchanged", () => {
  const text = "héllo 世界 🚀 — ok [^x] \\e";
  assert.equal(terminalText(text), text);
});

Deno.test("no control survives, for every character below U+00A0", () => {
  for (let code = 0; code < 0xa0; code++) {
    const char = String.fromCharCode(code);
    assert.ok(!hasControl(terminalText(`a${char}b`)), `U+${code.toString(16)} survived`);
  }
});

Deno.test("textFor sanitizes for a terminal and keeps bytes exact for a pipe", () => {
  const text = `${ESC}[2Jx`;
  assert.equal(textFor({ isTerminal: true }, text), "^[[2Jx");
  assert.equal(textFor({ isTerminal: false }, text), text);
});

Deno.test("no control character passes, whichever layout characters are kept", () => {
  const controls = [
    ...Array.from({ length: 0x20 }, (_, i) => i),
    ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
    0x061c,
    0x200e,
    0x200f,
    ...Array.from({ length: 5 }, (_, i) => 0x202a + i),
    ...Array.from({ length: 4 }, (_, i) => 0x2066 + i),
  ].map((code) => String.fromCharCode(code));
  for (const newlines of [true, false]) {
    for (const tabs of [true, false]) {
      for (const char of controls) {
        const kept = (char === "\n" && newlines) || (char === "\t" && tabs);
        const shown = terminalText(`a${char}🧪b`, { newlines, tabs });
        if (kept) assert.equal(shown, `a${char}🧪b`);
        else {
          assert.ok(!shown.includes(char), `U+${char.charCodeAt(0).toString(16)} passed`);
          assert.match(shown, /^a(\^.|<U\+[0-9A-F]{4}>)🧪b$/);
        }
      }
    }
  }
});
