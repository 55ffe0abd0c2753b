/**
 * A real pseudo-terminal for end-to-end tests of the chat: a program runs in a tmux pane of a
 * private tmux server, keys are sent to it, and the screen is read back as text.
 */

import { quote } from "./shell_quote.ts";

/** How to start the pane. */
export interface PaneOptions {
  /** The program and its arguments. */
  command: readonly string[];
  /** The whole environment of the program (nothing else is inherited). */
  env: Readonly<Record<string, string>>;
  cwd: string;
  /** Default 80×24. */
  columns?: number;
  rows?: number;
  /**
   * A shell command run after the program exits, in the same pane (e.g. to show the terminal's
   * state); the program's exit code is in `$status`. Without it the pane closes on exit.
   */
  after?: string;
  /** A file the program's process id is written to (the program is exec'd from a shell). */
  pidFile?: string;
  /** Lines of scrollback the pane keeps (tmux's default is 2000). */
  historyLimit?: number;
}

/** A running pane. */
export interface Pane extends AsyncDisposable {
  /** Types text literally. */
  type(text: string): Promise<void>;
  /**
   * Pastes `text` as a terminal does: wrapped in bracketed-paste markers when the program asked
   * for them (as a file dragged onto a terminal arrives).
   */
  paste(text: string): Promise<void>;
  /** Presses keys by tmux name (`Enter`, `Escape`, `C-c`, `M-Enter`, `Up`…). */
  press(...keys: string[]): Promise<void>;
  /**
   * The visible screen, one line per row, trailing spaces removed; with `escapes`, the colours and
   * attributes as escape sequences too.
   */
  screen(escapes?: boolean): Promise<string>;
  /** Waits until the screen satisfies `test`; returns that screen or throws with the last one. */
  waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  /** The pane's title, as the program (or an escape sequence it printed) last set it. */
  title(): Promise<string>;
  /** The scrollback and the visible screen, one line per row, trailing spaces removed. */
  history(): Promise<string>;
  /** Appends every byte the program writes to the terminal from now on to the file `path`. */
  recordOutput(path: string): Promise<void>;
  /** Scrolls the view up (positive) or down (negative) by `lines` rows, as a person scrolling back. */
  scroll(lines: number): Promise<void>;
  /** What a person sees while scrolled back (the screen, when not scrolled). */
  scrolledScreen(): Promise<string>;
  /** Leaves the scrolled-back view (the screen follows the program again). */
  endScroll(): Promise<void>;
}

let panes = 0;

/** Starts `options.command` in a fresh tmux server; `await using` kills the server. */
export async function startPane(options: PaneOptions): Promise<Pane> {
  // Test files run in parallel share one process id: a random part keeps their servers apart.
  const socket = `pixir-test-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}-${panes++}`;
  const tmux = async (...args: string[]) => {
    const { success, stdout, stderr } = await new Deno.Command("tmux", {
      args: ["-L", socket, "-f", "/dev/null", ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!success) throw new Error(`tmux ${args[0]}: ${new TextDecoder().decode(stderr)}`);
    return new TextDecoder().decode(stdout);
  };
  const env = Object.entries(options.env).map(([k, v]) => `${k}=${quote(v)}`).join(" ");
  const exec = `env -i ${env} ${options.command.map(quote).join(" ")}`;
  const program = options.pidFile === undefined
    ? exec
    : `sh -c ${quote(`echo $$ > ${quote(options.pidFile)}; exec ${exec}`)}`;
  const script = options.after === undefined
    ? program
    : `${program}; status=$?; ${options.after}; sleep 600`;
  // Options set before the session exist for its window (history-limit applies to new panes).
  const start = options.historyLimit === undefined
    ? []
    : ["start-server", ";", "set-option", "-g", "history-limit", String(options.historyLimit), ";"];
  await tmux(
    ...start,
    "new-session",
    "-d",
    "-s",
    "test",
    "-x",
    String(options.columns ?? 80),
    "-y",
    String(options.rows ?? 24),
    "-c",
    options.cwd,
    `sh -c ${quote(script)}`,
  );
  const screen = async (escapes = false) =>
    (await tmux("capture-pane", "-p", ...(escapes ? ["-e"] : []), "-t", "test")).split("\n")
      .map((l) => l.trimEnd()).join("\n").trimEnd();
  return {
    type: async (text) => void await tmux("send-keys", "-t", "test", "-l", text),
    paste: async (text) => {
      await tmux("set-buffer", "-b", "pasted", "--", text);
      await tmux("paste-buffer", "-p", "-d", "-b", "pasted", "-t", "test");
    },
    press: async (...keys) => void await tmux("send-keys", "-t", "test", ...keys),
    screen,
    async waitFor(test, timeoutMs = 15_000) {
      const matches = typeof test === "function" ? test : (s: string) => test.test(s);
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        try {
          last = await screen(false);
        } catch {
          // The pane is gone: the program ended and nothing runs after it.
          break;
        }
        if (matches(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the screen never matched ${test}; last screen:\n${last}`);
    },
    history: async () =>
      (await tmux("capture-pane", "-p", "-S", "-", "-E", "-", "-t", "test")).split("\n")
        .map((l) => l.trimEnd()).join("\n").trimEnd(),
    recordOutput: async (path) =>
      void await tmux("pipe-pane", "-o", "-t", "test", `cat >> ${quote(path)}`),
    scroll: async (lines) => {
      await tmux("copy-mode", "-t", "test");
      const command = lines >= 0 ? "scroll-up" : "scroll-down";
      await tmux("send-keys", "-t", "test", "-X", "-N", String(Math.abs(lines)), command);
    },
    scrolledScreen: async () => {
      const [position, rows] = (await tmux(
        "display-message",
        "-p",
        "-t",
        "test",
        "#{?scroll_position,#{scroll_position},0} #{pane_height}",
      )).trim().split(" ").map(Number);
      const lines = await tmux(
        "capture-pane",
        "-p",
        "-S",
        String(-position),
        "-E",
        String(rows - 1 - position),
        "-t",
        "test",
      );
      return lines.split("\n").map((l) => l.trimEnd()).join("\n").trimEnd();
    },
    endScroll: async () => void await tmux("send-keys", "-t", "test", "-X", "cancel"),
    title: async () => (await tmux("display-message", "-p", "-t", "test", "#{pane_title}")).trim(),
    resize: async (columns, rows) =>
      void await tmux("resize-window", "-t", "test", "-x", String(columns), "-y", String(rows)),
    [Symbol.asyncDispose]: async () => {
      await tmux("kill-server").catch(() => undefined);
    },
  };
}
