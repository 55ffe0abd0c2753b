/**
 * Best-effort opening of a URL in the user's browser. It never fails a sign-in: the URL is always
 * printed as well, and a machine without a browser (SSH, containers) just gets `false`.
 */

/** Starts `command` without waiting for it; true when it started. */
export type Spawn = (command: string, args: readonly string[]) => boolean;

/** A program and its arguments. */
export interface Invocation {
  command: string;
  args: string[];
}

/**
 * The platform's URL opener. Windows uses `rundll32 url.dll,FileProtocolHandler` rather than
 * `cmd /c start`, because cmd would treat the `&` between query parameters as a command separator.
 */
export function browserCommand(url: string, os: typeof Deno.build.os): Invocation {
  switch (os) {
    case "darwin":
      return { command: "open", args: [url] };
    case "windows":
      return { command: "rundll32", args: ["url.dll,FileProtocolHandler", url] };
    default:
      return { command: "xdg-open", args: [url] };
  }
}

/** Asks the platform's opener to show `url`; returns whether the opener could be started. */
export function openBrowser(
  url: string,
  deps: { os: typeof Deno.build.os; spawn: Spawn },
): boolean {
  const { command, args } = browserCommand(url, deps.os);
  try {
    return deps.spawn(command, args);
  } catch {
    return false;
  }
}

/**
 * The production `Spawn`: a detached child with no stdio, so an opener that lingers (or a text
 * browser that xdg-open falls back to) can neither hold the terminal nor keep Pixir alive.
 */
export function spawnDetached(command: string, args: readonly string[]): boolean {
  try {
    const child = new Deno.Command(command, {
      args: [...args],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child.unref();
    return true;
  } catch {
    return false;
  }
}
