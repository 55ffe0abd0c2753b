/**
 * Reading a small text file the person or a project wrote (a skill, a hooks file): opened once
 * and judged by what was opened, so a FIFO cannot block the read and a huge file cannot flood it.
 */

/** What was found at the path. */
export type SmallFile =
  | { kind: "text"; text: string }
  | { kind: "not_file" }
  | { kind: "too_large"; size: number };

/** Reads `path` when it is a regular file of at most `maxBytes`; throws what opening throws. */
export async function readSmallFile(path: string, maxBytes: number): Promise<SmallFile> {
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  if (!info.isFile) return { kind: "not_file" };
  if (info.size > maxBytes) return { kind: "too_large", size: info.size };
  const bytes = new Uint8Array(info.size);
  let filled = 0;
  while (filled < bytes.length) {
    const n = await file.read(bytes.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return { kind: "text", text: new TextDecoder().decode(bytes.subarray(0, filled)) };
}
