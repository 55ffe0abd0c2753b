/**
 * What the chat loads before its first frame, kept as measured (scripts/bench/chat_start.ts): its
 * modules take pi-tui's values from `src/ui/chat/pi_tui.ts` (each part from its own file), never
 * from the package's index, which loads every component; the markdown and autocomplete parts
 * come only through `loadLaterParts`.
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));

async function* walkTs(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walkTs(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Every import or export `from` statement of `text`, with its specifier. */
function fromStatements(text: string): { statement: string; specifier: string }[] {
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)";/gms)].map((m) => ({
    statement: m[0],
    specifier: m[1],
  }));
}

Deno.test("src/ takes only types from pi-tui's index; values come from ui/chat/pi_tui.ts", async () => {
  const offenders: string[] = [];
  for await (const file of walkTs(SRC)) {
    const name = relative(SRC, file);
    for (const { statement, specifier } of fromStatements(await Deno.readTextFile(file))) {
      if (specifier === "@mariozechner/pi-tui" && !statement.startsWith("import type")) {
        offenders.push(`${name}: ${statement}`);
      }
      const deep = specifier.startsWith("@mariozechner/pi-tui/");
      if (deep && name !== "ui/chat/pi_tui.ts" && name !== "ui/chat/pi_tui_later.ts") {
        offenders.push(`${name}: ${statement}`);
      }
      if (specifier.endsWith("/pi_tui_later.ts") && !statement.startsWith("import type")) {
        offenders.push(`${name}: ${statement}`);
      }
    }
    // A literal import() would have Deno read the module's graph with the importing one.
    for (
      const [call] of (await Deno.readTextFile(file)).matchAll(/import\(\s*"[^"]*pi-tui[^"]*"/g)
    ) {
      offenders.push(`${name}: ${call}`);
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("pi_tui_later.ts holds the markdown and autocomplete parts", async () => {
  const text = await Deno.readTextFile(join(SRC, "ui/chat/pi_tui_later.ts"));
  const specifiers = fromStatements(text).map((s) => s.specifier).sort();
  assert.deepEqual(specifiers, [
    "@mariozechner/pi-tui/dist/autocomplete.js",
    "@mariozechner/pi-tui/dist/components/markdown.js",
  ]);
});
