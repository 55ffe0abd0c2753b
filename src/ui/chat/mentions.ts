/**
 * `@path` mentions in a chat message: the workspace files they name are attached to the message,
 * text files as text, images (PNG, JPEG, GIF, WebP, known by their bytes) as images.
 */

import type { ImageBytes } from "../../agent/images.ts";

/** Reads a workspace file as text; null when the path names no readable file inside the workspace. */
export type ReadWorkspaceFile = (path: string) => Promise<string | null>;

/**
 * Reads a file that is an image (in the workspace, or anywhere by its full path): the image, or
 * why it cannot be attached; null when the path names no image (it may still be a text file).
 */
export type ReadWorkspaceImage = (
  path: string,
) => Promise<{ ok: true; image: ImageBytes } | { ok: false; reason: string } | null>;

/** A message with what its mentions attach. */
export interface AttachedMessage {
  text: string;
  images: ImageBytes[];
  /** Mentioned images that could not be attached, each with the reason. */
  problems: string[];
}

/** The most of one file that is attached; the rest is left for the model to read with its tools. */
export const MAX_ATTACHED_CHARS = 100_000;

/**
 * The distinct paths mentioned as `@path` or `@"path with spaces"` (at the start or after
 * whitespace), in order.
 */
export function mentionedPaths(text: string): string[] {
  const paths = [...text.matchAll(/(?:^|\s)@(?:"([^"\n]+)"|([^\s@]+))/g)].map((match) =>
    // A mention ending a sentence keeps its path without the punctuation.
    match[1] ?? match[2].replace(/[.,;:!?)\]]+$/, "")
  );
  return [...new Set(paths.filter((path) => path !== ""))];
}

/**
 * The message with every mentioned text file appended after it, each in a `<file path="…">`
 * block, and every mentioned image attached. Mentions that name no file stay plain text.
 */
export async function attachMentions(
  text: string,
  read: ReadWorkspaceFile,
  readImage: ReadWorkspaceImage,
): Promise<AttachedMessage> {
  const blocks: string[] = [];
  const images: ImageBytes[] = [];
  const problems: string[] = [];
  for (const path of mentionedPaths(text)) {
    const image = await readImage(path);
    if (image?.ok) images.push(image.image);
    else if (image) problems.push(`@${path}: ${image.reason}`);
    if (image) continue;
    const content = await read(path);
    if (content === null) continue;
    const cut = content.length > MAX_ATTACHED_CHARS;
    const body = cut ? content.slice(0, MAX_ATTACHED_CHARS) : content;
    const note = cut ? `\n[… cut at ${MAX_ATTACHED_CHARS} characters]` : "";
    blocks.push(`<file path="${path}">\n${body}${body.endsWith("\n") ? "" : "\n"}</file>${note}`);
  }
  return {
    text: blocks.length === 0 ? text : `${text}\n\n${blocks.join("\n\n")}`,
    images,
    problems,
  };
}
