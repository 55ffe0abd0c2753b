/** The platforms Pixir ships a binary for, and how each one is archived. */

/** One release platform. */
export interface Target {
  /** Rust target triple, as `deno compile --target` takes it. */
  triple: string;
  /** The `uname -s`-style OS the install script maps to this target. */
  os: "linux" | "darwin" | "windows";
  arch: "x86_64" | "aarch64";
  /** Windows users expect a zip; everyone else a gzipped tarball. */
  archive: "tar.gz" | "zip";
}

/** Every target a release builds, in release order. */
export const TARGETS: readonly Target[] = [
  { triple: "x86_64-unknown-linux-gnu", os: "linux", arch: "x86_64", archive: "tar.gz" },
  { triple: "aarch64-unknown-linux-gnu", os: "linux", arch: "aarch64", archive: "tar.gz" },
  { triple: "x86_64-apple-darwin", os: "darwin", arch: "x86_64", archive: "tar.gz" },
  { triple: "aarch64-apple-darwin", os: "darwin", arch: "aarch64", archive: "tar.gz" },
  { triple: "x86_64-pc-windows-msvc", os: "windows", arch: "x86_64", archive: "zip" },
  { triple: "aarch64-pc-windows-msvc", os: "windows", arch: "aarch64", archive: "zip" },
];

/** The target with this triple, or undefined when Pixir does not ship it. */
export function targetByTriple(triple: string): Target | undefined {
  return TARGETS.find((target) => target.triple === triple);
}

/** The binary's file name inside the archive and once installed. */
export function installedName(target: Target): string {
  return target.os === "windows" ? "pixir.exe" : "pixir";
}

/** `pixir-<triple>[.exe]`: the binary's name in the build output. */
export function binaryName(target: Target): string {
  return `pixir-${target.triple}${target.os === "windows" ? ".exe" : ""}`;
}

/** `pixir-<triple>.tar.gz` or `.zip`: the release asset's name. */
export function archiveName(target: Target): string {
  return `pixir-${target.triple}.${target.archive}`;
}
