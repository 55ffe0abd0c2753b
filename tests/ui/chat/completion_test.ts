import assert from "node:assert/strict";
import {
  chatCompletion,
  type FolderEntry,
  mentionPrefix,
  pathSuggestions,
} from "../../../src/ui/chat/completion.ts";
import { loadLaterParts } from "../../../src/ui/chat/pi_tui.ts";

// The chat loads pi-tui's markdown and completion parts before anything shows or completes.
await loadLaterParts();

const tree: Record<string, FolderEntry[]> = {
  "": [
    { name: "src", isDirectory: true },
    { name: "README.md", isDirectory: false },
    { name: ".git", isDirectory: true },
    { name: "scripts", isDirectory: true },
  ],
  "src/": [{ name: "main.ts", isDirectory: false }, { name: "cli", isDirectory: true }],
};
const listFolder = (dir: string) => Promise.resolve(tree[dir] ?? null);
const signal = new AbortController().signal;

Deno.test("the mention being typed is found at the end of the text", () => {
  assert.equal(mentionPrefix("look at @src/ma"), "@src/ma");
  assert.equal(mentionPrefix("@"), "@");
  assert.equal(mentionPrefix("mail a@b"), undefined);
  assert.equal(mentionPrefix("@src/a.ts and more"), undefined);
});

Deno.test("path suggestions list the folder's matching entries, folders first, hidden hidden", async () => {
  assert.deepEqual(await pathSuggestions("@", listFolder), [
    { value: "@scripts/", label: "scripts/" },
    { value: "@src/", label: "src/" },
    { value: "@README.md", label: "README.md" },
  ]);
  assert.deepEqual(await pathSuggestions("@s", listFolder), [
    { value: "@scripts/", label: "scripts/" },
    { value: "@src/", label: "src/" },
  ]);
  assert.deepEqual(await pathSuggestions("@.g", listFolder), [{ value: "@.git/", label: ".git/" }]);
  assert.deepEqual(await pathSuggestions("@src/m", listFolder), [
    { value: "@src/main.ts", label: "main.ts" },
  ]);
  assert.deepEqual(await pathSuggestions("@nowhere/x", listFolder), []);
});

Deno.test("slash commands complete by name, and their arguments from the sources", async () => {
  const provider = chatCompletion({
    listFolder,
    argumentValues: (command) =>
      Promise.resolve(
        command === "model"
          ? [{ value: "gpt-5.4", label: "gpt-5.4" }, {
            value: "gpt-5.5",
            label: "gpt-5.5",
          }]
          : [],
      ),
  });
  const names = await provider.getSuggestions(["/mo"], 0, 3, { signal });
  assert.deepEqual(names?.items.map((i) => i.value), ["model"]);
  const models = await provider.getSuggestions(["/model gpt-5.4"], 0, 14, { signal });
  assert.deepEqual(models?.items.map((i) => i.value), ["gpt-5.4"]);
  const paths = await provider.getSuggestions(["read @src/"], 0, 10, { signal });
  assert.deepEqual(paths?.items.map((i) => i.value), ["@src/cli/", "@src/main.ts"]);
  assert.equal(await provider.getSuggestions(["plain words"], 0, 11, { signal }), null);
});

Deno.test("applying a path completion replaces the typed mention", () => {
  const provider = chatCompletion({ listFolder, argumentValues: () => Promise.resolve([]) });
  const applied = provider.applyCompletion(
    ["read @src/m now"],
    0,
    11,
    { value: "@src/main.ts", label: "main.ts" },
    "@src/m",
  );
  assert.deepEqual(applied.lines, ["read @src/main.ts  now"]);
});
