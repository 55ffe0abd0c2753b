/** How tools report failures: the `ok:false` result, and filesystem exceptions turned into one. */

import type { ToolError, ToolErrorKind, ToolResult } from "./tool.ts";

/** A failed tool result with the given kind, message and details. */
export function fail(
  kind: ToolErrorKind,
  message: string,
  details?: Record<string, unknown>,
): ToolResult & { ok: false } {
  return { ok: false, error: details ? { kind, message, details } : { kind, message } };
}

/**
 * Translates an exception from a filesystem call on `displayPath` into a ToolError. The messages
 * name the path as the model gave it, never the OS error text (which carries absolute paths).
 */
export function fsError(error: unknown, displayPath: string): ToolError {
  const details = { path: displayPath };
  if (error instanceof Deno.errors.NotFound) {
    return { kind: "not_found", message: `No such file or directory: ${displayPath}`, details };
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return { kind: "is_directory", message: `${displayPath} is a directory`, details };
  }
  if (error instanceof Deno.errors.NotADirectory) {
    return {
      kind: "not_directory",
      message: `A component of ${displayPath} is not a directory`,
      details,
    };
  }
  if (error instanceof Deno.errors.FilesystemLoop) {
    return { kind: "io", message: `Too many levels of symbolic links at ${displayPath}`, details };
  }
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return { kind: "denied", message: `Permission denied: ${displayPath}`, details };
  }
  const reason = error instanceof Error ? error.message : String(error);
  return { kind: "io", message: `Could not access ${displayPath}: ${reason}`, details };
}
