/** The text of anything thrown: an Error's message, or the value said as a string. */

/** The message of `error`, for a line a person reads ("could not save …: <message>"). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
