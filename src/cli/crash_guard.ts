/**
 * The last line of defence of a full-screen command: an error nothing caught must not leave the
 * terminal in raw mode nor print a stack trace. The guard restores the terminal, reports the error
 * in one line and exits.
 */

import { EXIT } from "./failure.ts";

/** What the guard does when an uncaught error or unhandled rejection reaches the top. */
export interface CrashHandling {
  /** Puts the terminal back as it was. */
  restore(): Promise<void>;
  /** Tells the user, in one line. */
  report(message: string): Promise<void>;
  exit(code: number): void;
}

/** Installs the guard on the global scope; returns the function that removes it. */
export function guardAgainstCrashes(handling: CrashHandling): () => void {
  const crash = async (error: unknown) => {
    await handling.restore();
    await handling.report(error instanceof Error ? error.message : String(error));
    handling.exit(EXIT.runtime);
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    void crash(event.error);
  };
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    void crash(event.reason);
  };
  globalThis.addEventListener("error", onError);
  globalThis.addEventListener("unhandledrejection", onRejection);
  return () => {
    globalThis.removeEventListener("error", onError);
    globalThis.removeEventListener("unhandledrejection", onRejection);
  };
}
