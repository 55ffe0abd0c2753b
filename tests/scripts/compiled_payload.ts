/**
 * Reads what `deno compile` embedded in a binary: the JSON metadata (permissions, prompt, env
 * file, unstable features, version) and the virtual file system listing every embedded file.
 *
 * Deno 2.9 stores its payload in a section named `d3n0l4nd` (ELF, Mach-O and PE alike). The
 * section opens with the same magic, then a u64 little-endian length and the metadata JSON; later
 * parts are length-prefixed the same way, the virtual file system among them as a JSON array of
 * `{Dir: {n, e}}` / `{File: {n, …}}` / `{Symlink: …}` entries.
 */

const MAGIC = new TextEncoder().encode("d3n0l4nd");
const VFS_START = new TextEncoder().encode('[{"Dir":{"n":');

/** What a compiled binary carries. */
export interface CompiledPayload {
  metadata: Record<string, unknown>;
  /**
   * Every embedded file, by its path below the common folder of them all (npm packages under
   * `/.deno_compile_node_modules/<registry>/<name>/<version>/`).
   */
  files: string[];
}

/** Reads the payload of a compiled binary; throws when the binary does not hold one. */
export function readCompiledPayload(binary: Uint8Array): CompiledPayload {
  for (let at = indexOf(binary, MAGIC, 0); at >= 0; at = indexOf(binary, MAGIC, at + 1)) {
    const json = lengthPrefixedJson(binary, at + MAGIC.length);
    if (!isRecord(json?.value) || !("entrypoint_key" in json.value)) continue;
    const vfsAt = indexOf(binary, VFS_START, json.end);
    if (vfsAt < 8) throw new Error("no virtual file system after the metadata");
    const vfs = lengthPrefixedJson(binary, vfsAt - 8);
    if (!Array.isArray(vfs?.value)) throw new Error("the virtual file system is not a JSON list");
    return { metadata: json.value, files: filesOf(vfs.value, "") };
  }
  throw new Error("no d3n0l4nd payload with metadata in this binary");
}

/** A u64-LE-length-prefixed JSON value at `offset`, or null when there is none. */
function lengthPrefixedJson(
  bytes: Uint8Array,
  offset: number,
): { value: unknown; end: number } | null {
  if (offset + 8 > bytes.length) return null;
  const length = new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0, true);
  const start = offset + 8;
  if (length === 0n || BigInt(start) + length > BigInt(bytes.length)) return null;
  const end = start + Number(length);
  try {
    return { value: JSON.parse(new TextDecoder().decode(bytes.subarray(start, end))), end };
  } catch {
    return null;
  }
}

function filesOf(entries: unknown[], parent: string): string[] {
  const paths: string[] = [];
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    const [kind, body] = Object.entries(entry)[0] ?? [];
    if (!isRecord(body) || typeof body.n !== "string") continue;
    const path = `${parent}/${body.n}`;
    if (kind === "Dir" && Array.isArray(body.e)) paths.push(...filesOf(body.e, path));
    else paths.push(path);
  }
  return paths;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  for (let i = haystack.indexOf(first, from); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    let match = true;
    for (let j = 1; j < needle.length && match; j++) match = haystack[i + j] === needle[j];
    if (match) return i;
  }
  return -1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
