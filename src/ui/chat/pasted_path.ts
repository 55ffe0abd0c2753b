/**
 * A path pasted into the chat: terminals paste a file dragged onto them as its path, plain, in
 * quotes, with backslash-escaped spaces, or as a `file://` URL. When a paste is exactly one such
 * path to an image (by its name; the bytes are checked when the message is sent), the chat
 * attaches it as if `@path` had been typed.
 */

/** Names of the image types the chat attaches (PNG, JPEG, GIF, WebP). */
const IMAGE_NAME = /\.(png|jpe?g|gif|webp)$/i;

/**
 * The path a pasted text is, when it is exactly one absolute (or `~/`, `./`, `../`) path; null for
 * anything else (words, several paths, a multi-line paste).
 */
export function pastedPath(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.includes("\n")) return null;
  let path: string | null;
  if (trimmed.length >= 2 && trimmed.startsWith("'") && trimmed.endsWith("'")) {
    path = trimmed.slice(1, -1);
    if (path.includes("'")) return null;
  } else if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    path = unescapeDoubleQuoted(trimmed.slice(1, -1));
  } else if (trimmed.startsWith("file://")) {
    path = fileUrlPath(trimmed);
  } else {
    path = unescapeBackslashes(trimmed);
  }
  if (path === null || !/^(\/|~\/|\.\.?\/)/.test(path)) return null;
  return path;
}

/** The mention a pasted image path becomes; null when the paste is no image path. */
export function pastedImageMention(text: string): string | null {
  const path = pastedPath(text);
  if (path === null || !IMAGE_NAME.test(path) || path.includes('"')) return null;
  return /\s/.test(path) ? `@"${path}"` : `@${path}`;
}

/** `a\ b\(1\).png` → `a b(1).png`; null when a space is left unescaped (several words). */
function unescapeBackslashes(text: string): string | null {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\" && i + 1 < text.length) out += text[++i];
    else if (/\s/.test(char)) return null;
    else out += char;
  }
  return out;
}

/** Inside double quotes the shell gives `\` meaning only before `"`, `\`, `$` and a backtick. */
function unescapeDoubleQuoted(text: string): string | null {
  const out = text.replace(/\\(["\\$`])/g, "$1");
  return /(^|[^\\])"/.test(text) ? null : out;
}

/** The local path of a `file://` URL (percent-decoded); null for another host or a bad URL. */
function fileUrlPath(text: string): string | null {
  try {
    const url = new URL(text);
    if (url.host !== "" && url.host !== "localhost") return null;
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}
