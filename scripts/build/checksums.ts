/** SHA-256 checksums of release files, in the `sha256sum` format the install script verifies. */

/** The lowercase hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `SHA256SUMS` text: one `<hex>  <name>` line per file, in the order given. */
export function checksumsFile(entries: readonly { name: string; sha256: string }[]): string {
  return entries.map(({ name, sha256 }) => `${sha256}  ${name}\n`).join("");
}
