/** The error every bad setting becomes, wherever it was written. */

/** A setting that could not be understood; the CLI reports it as bad usage (exit 2). */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}
