/**
 * `pixir chat` (or any pixir command, by `args`) in a tmux pane for the end-to-end tests: started
 * in a sandbox against a stand-in, typed into, its screen read.
 */

import { join } from "node:path";
import type { ResponsesServer } from "../fakes/responses_server.ts";
import { denoDir, pixirArgv } from "../harness/cli.ts";
import { type Pane, startPane } from "../harness/tmux.ts";
import { API_KEY, type Sandbox } from "./helpers.ts";

/** The editor's frame: the chat has painted its prompt. */
export const PROMPT_READY = /─{20,}\n.*\n─{20,}/;

/** Options of `chat`. */
export interface ChatPaneOptions {
  args?: readonly string[];
  columns?: number;
  rows?: number;
  env?: Readonly<Record<string, string>>;
  after?: string;
  pidFile?: string;
  /** Lines of scrollback the pane keeps (tmux's default is 2000). */
  historyLimit?: number;
}

/** `pixir chat` (or `args`) in a pane, in the sandbox's workspace and home, against `server`. */
export async function chat(
  box: Sandbox,
  server: ResponsesServer,
  options: ChatPaneOptions = {},
): Promise<Pane> {
  const home = join(box.root, "user-home");
  await Deno.mkdir(home, { recursive: true });
  return await startPane({
    command: pixirArgv(options.args ?? ["chat"]),
    cwd: box.workspace,
    columns: options.columns,
    rows: options.rows,
    after: options.after,
    pidFile: options.pidFile,
    historyLimit: options.historyLimit,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: home,
      TERM: "screen-256color",
      PIXIR_HOME: box.home,
      PIXIR_RETRY_BASE_MS: "1",
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: API_KEY,
      DENO_DIR: await denoDir(),
      DENO_NO_UPDATE_CHECK: "1",
      ...options.env,
    },
  });
}

/** Types a message and sends it. */
export async function send(pane: Pane, text: string): Promise<void> {
  await pane.type(text);
  await pane.press("Enter");
}
