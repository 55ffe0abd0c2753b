import assert from "node:assert/strict";
import { TUI } from "@mariozechner/pi-tui";
import { pastedImageMention, pastedPath } from "../../../src/ui/chat/pasted_path.ts";
import { PromptEditor } from "../../../src/ui/chat/prompt_editor.ts";
import { chatTheme } from "../../../src/ui/chat/theme.ts";
import { styleFor } from "../../../src/ui/style.ts";
import { mentionedPaths } from "../../../src/ui/chat/mentions.ts";
import { FakeTerminal } from "./fake_terminal.ts";

Deno.test("a dragged file's path is read however the terminal pasted it", () => {
  const cases: [string, string | null][] = [
    ["/home/me/shot.png", "/home/me/shot.png"],
    ["/home/me/shot.png ", "/home/me/shot.png"],
    ["'/home/me/Screen Shot 1.png'", "/home/me/Screen Shot 1.png"],
    ['"/home/me/Screen Shot 1.png"', "/home/me/Screen Shot 1.png"],
    ['"/home/me/a \\"q\\".png"', '/home/me/a "q".png'],
    ["/Users/me/Screen\\ Shot\\ \\(2\\).png", "/Users/me/Screen Shot (2).png"],
    ["file:///home/me/Screen%20Shot.png", "/home/me/Screen Shot.png"],
    ["file://localhost/tmp/a.png", "/tmp/a.png"],
    ["~/Desktop/a.png", "~/Desktop/a.png"],
    ["./a.png", "./a.png"],
    // Not one path: words, several paths, lines, a remote URL, a bare name.
    ["look at /tmp/a.png", null],
    ["/tmp/a.png /tmp/b.png", null],
    ["/tmp/a.png\n/tmp/b.png", null],
    ["file://server/share/a.png", null],
    ["a.png", null],
    ["", null],
  ];
  for (const [text, path] of cases) assert.equal(pastedPath(text), path, JSON.stringify(text));
});

Deno.test("only a path to an image becomes a mention, quoted when it has spaces", () => {
  assert.equal(pastedImageMention("/tmp/shot.PNG"), "@/tmp/shot.PNG");
  assert.equal(pastedImageMention("'/tmp/my shot.jpeg'"), '@"/tmp/my shot.jpeg"');
  assert.equal(pastedImageMention("/tmp/notes.md"), null);
  assert.equal(pastedImageMention("/tmp/a.png.txt"), null);
  assert.equal(pastedImageMention('"/tmp/a \\"b\\".png"'), null, "a quote cannot be mentioned");
  assert.deepEqual(mentionedPaths('see @"/tmp/my shot.jpeg" and @b.png.'), [
    "/tmp/my shot.jpeg",
    "b.png",
  ]);
});

Deno.test("the editor turns a bracketed paste of an image path into a mention; other pastes stay", () => {
  const editor = new PromptEditor(
    new TUI(new FakeTerminal()),
    chatTheme(styleFor(false, undefined)).editor,
  );
  editor.handleInput("look ");
  editor.handleInput("\x1b[200~'/tmp/my shot.png'\x1b[201~");
  editor.handleInput(" now");
  assert.equal(editor.getText(), 'look @"/tmp/my shot.png" now');

  editor.setText("");
  // A paste split across reads, with keys after it in the same read.
  editor.handleInput("\x1b[200~/tmp/Screen\\ Sh");
  editor.handleInput("ot.png\x1b[201~?");
  assert.equal(editor.getText(), '@"/tmp/Screen Shot.png"?');

  editor.setText("");
  editor.handleInput("\x1b[200~/tmp/notes.md\x1b[201~");
  assert.equal(editor.getText(), "/tmp/notes.md");
});
