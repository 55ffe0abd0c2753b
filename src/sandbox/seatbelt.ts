/**
 * The macOS `sandbox-exec` profile for a SandboxLayout: reads allowed except Pixir's folders,
 * writes only to the writable paths and the few devices a shell needs, network only if allowed.
 */

import type { SandboxLayout } from "./layout.ts";

/** The SBPL profile text for `sandbox-exec -p`. */
export function seatbeltProfile(layout: SandboxLayout): string {
  const lines = ["(version 1)", "(allow default)"];
  if (layout.writable !== "all") {
    lines.push(
      "(deny file-write*)",
      `(allow file-write* ${
        [
          ...layout.writable.map((path) => `(subpath ${quote(path)})`),
          '(literal "/dev/null")',
          '(literal "/dev/tty")',
          '(regex #"^/dev/fd/")',
        ].join(" ")
      })`,
    );
    // A read-only workspace inside a writable path (the temp dir) stays read-only: later rules win.
    if (!layout.writable.includes(layout.workspace)) {
      lines.push(`(deny file-write* (subpath ${quote(layout.workspace)}))`);
    }
  }
  for (const path of layout.hidden) {
    lines.push(`(deny file-read* file-write* (subpath ${quote(path)}))`);
  }
  if (!layout.net) lines.push("(deny network*)");
  return `${lines.join("\n")}\n`;
}

/** The arguments (without `sandbox-exec`) that run a program inside `layout`. */
export function seatbeltArgs(layout: SandboxLayout): string[] {
  return ["-p", seatbeltProfile(layout)];
}

/** An SBPL string literal. */
function quote(path: string): string {
  return `"${path.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
