/** `@path` mentions in a chat message: the workspace files they name are attached to the message. */

/** Reads a workspace file as text; null when the path names no readable file inside the workspace. */
export type ReadWorkspaceFile = (path: string) => Promise<string | null>;

/** The most of one file that is attached; the rest is left for the model to read with its tools. */
export const MAX_ATTACHED_CHARS = 100_000;

/** The distinct paths mentioned as `@path` (at the start or after whitespace), in order. */
export function mentionedPaths(text: string): string[] {
  const paths = [...text.matchAll(/(?:^|\s)@([^\s@]+)/g)].map((match) =>
    // A mention ending a sentence keeps its path without the punctuation.
    match[1].replace(/[.,;:!?)\]]+$/, "")
  );
  return [...new Set(paths.filter((path) => path !== ""))];
}

/**
 * The message with every mentioned file appended after it, each in a `<file path="…">` block.
 * Mentions that name no file stay plain text.
 */
export async function attachMentions(text: string, read: ReadWorkspaceFile): Promise<string> {
  const blocks: string[] = [];
  for (const path of mentionedPaths(text)) {
    const content = await read(path);
    if (content === null) continue;
    const cut = content.length > MAX_ATTACHED_CHARS;
    const body = cut ? content.slice(0, MAX_ATTACHED_CHARS) : content;
    const note = cut ? `\n[… cut at ${MAX_ATTACHED_CHARS} characters]` : "";
    blocks.push(`<file path="${path}">\n${body}${body.endsWith("\n") ? "" : "\n"}</file>${note}`);
  }
  return blocks.length === 0 ? text : `${text}\n\n${blocks.join("\n\n")}`;
}
