/** Quoting for POSIX shell command lines built by tests. */

/** `text` as one single-quoted shell word. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
