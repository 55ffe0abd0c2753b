/** `pixir chat`: the interactive terminal UI. Flags, help and wiring; the UI is src/ui/chat/. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { POLICY_FLAGS_HELP, splitPolicyFlags } from "./policy_flags.ts";
import { CliFailure, EXIT } from "./failure.ts";
import {
  CONFIG_FLAGS,
  configFlagsHelp,
  configFrom,
  credentialsFrom,
  pathsFrom,
  resolveWorkspace,
  sessionChoice,
} from "./inputs.ts";
import type * as ChatWiring from "./chat_session_host.ts";
import { homeRelative, McpChatFeed } from "./chat_reporters.ts";
import { deferredHost } from "./chat_opening.ts";
import type * as Resumed from "./chat_resumed.ts";
import { guardAgainstCrashes } from "./crash_guard.ts";
import type { SessionQuery } from "../app/session_lookup.ts";
import { styleFor } from "../ui/style.ts";
import { CHAT_KEYS } from "../ui/chat/slash.ts";
import { VERSION } from "../version.ts";
import { authFailure } from "../app/auth_failure.ts";
import { Failure } from "../app/failure.ts";
import type { RunCredentials } from "../app/turn_wiring.ts";

/**
 * The chat's runtime wiring (the session host, the turn machinery, MCP), named by a constant: it
 * is loaded once the chat has painted, and Deno reads the module graph of a literal `import()`
 * with the module that holds it. The build includes it by name (`BUILD.lazyModules`).
 */
const CHAT_WIRING_MODULE = "./chat_session_host.ts";

/** The session a chat starts in, when one is named (see chat_resumed.ts; also by name). */
const RESUMED_MODULE = "./chat_resumed.ts";

const FLAGS = {
  model: { type: "string", short: "m" },
  effort: { type: "string" },
  cwd: { type: "string", short: "C" },
  auth: { type: "string" },
  continue: { type: "boolean", short: "c" },
  resume: { type: "string", short: "r" },
  "no-context": { type: "boolean" },
  search: { type: "boolean" },
  // -c is --continue here, as in other chat tools; overrides are spelled --config.
  ...CONFIG_FLAGS,
  config: { type: "string", multiple: true },
} as const;

/** The `chat` command. */
export const chatCommand: Command = {
  name: "chat",
  summary: "talk with the agent in an interactive terminal UI",
  help: `Usage: pixir chat [flags]
       pixir                     (on a terminal, with no arguments)

Opens the interactive chat: answers stream as markdown, each tool call shows as one block (edits
and writes as a diff), and the footer shows the model, the workspace, the context used and the
plan's quota. Type /help in the chat for its commands and keys. Needs a terminal; for scripts and
pipes use \`pixir run\`.

Flags:
  -m, --model MODEL    model to start with (default: $PIXIR_MODEL, config.toml's model, or gpt-5.5)
      --effort EFFORT  reasoning effort: none, minimal, low, medium, high, xhigh
                       (default: $PIXIR_EFFORT, model_reasoning_effort, or medium)
${configFlagsHelp(false)}  -c, --continue       continue the newest session of this workspace
  -r, --resume ID      continue the session ID (or a unique prefix of it) in its own workspace,
                       as \`pixir resume\` does (--cwd overrides it); /resume in the chat takes
                       the sessions of the chat's workspace
  -C, --cwd DIR        workspace the tools work in (default: the current directory)
      --auth KIND      subscription (the ChatGPT sign-in) or api-key
      --no-context     do not send the AGENTS.md files with the instructions
      --search         offer the provider's hosted web search (web_search = true in config.toml)
  -h, --help           show this help
${POLICY_FLAGS_HELP}
A shell command off the read-only safe list that no flag above and no rule saved with
\`pixir permissions\` allows is asked about in the chat: y runs it once, a runs it and saves its
prefix for this workspace, n refuses (then type an optional reason for the model and press
Enter); Esc or Ctrl+C refuses and stops the answer.

Keys:
${CHAT_KEYS.map((line) => `  ${line}`).join("\n")}

Examples:
  pixir chat
  pixir chat --continue --effort high
`,
  async run(argv, io) {
    const { patch, rest: flags } = splitPolicyFlags("chat", argv, io.cwd);
    const { values, positionals } = parseFlags(chatCommand, flags, FLAGS, { max: Infinity });
    if (positionals.length > 0) {
      throw new CliFailure("usage", "chat: takes no prompt; type it in the chat", {
        hint: `for a one-off prompt use: pixir run "${positionals.join(" ")}"`,
      });
    }
    if (!io.stdin.isTerminal || !io.stdout.isTerminal) {
      throw new CliFailure("usage", "chat: needs a terminal (stdin and stdout)", {
        hint: 'for scripts and pipes use: pixir run "…"',
      });
    }
    if (values.continue && values.resume !== undefined) {
      throw new CliFailure("usage", "chat: give --continue or --resume, not both");
    }
    const ui = loadUi();
    const paths = pathsFrom(io);
    // Whatever fails once the chat is up (opening its runtime, reading the rest of a long session)
    // ends it, and the chat then reports why.
    let failure: unknown = undefined;
    let endChat = () => {};
    const fail = (error: unknown) => {
      failure ??= error;
      endChat();
    };
    // A resumed session works in its own workspace, as with `pixir resume`; --cwd overrides it.
    const here = await resolveWorkspace(values.cwd ?? ".", io.cwd);
    const query: SessionQuery | null = values.continue
      ? { last: here }
      : values.resume !== undefined
      ? { id: values.resume }
      : null;
    const resumed = query === null
      ? null
      : await ((await import(RESUMED_MODULE)) as typeof Resumed).resumedChat(
        paths,
        query,
        io,
        fail,
      );
    const workspace = values.cwd === undefined && resumed !== null
      ? await resolveWorkspace(resumed.started.started.cwd, io.cwd)
      : here;
    const config = await configFrom(io, values, workspace);
    const { settings } = config;
    const { provider, ...choice } = resumed
      ? sessionChoice(config, resumed.model)
      : { ...settings, provider: settings.provider?.id };
    // An expiring sign-in is refreshed once the chat has painted (see `refreshSignIn`).
    const credentials = await credentialsFrom(io, values.auth, paths, settings, provider, {
      refresh: "later",
    });
    // The chat paints first; its runtime (MCP servers, the session host and the turn machinery's
    // modules) opens once it has. A long session is shown from its last turns and opened whole
    // behind them.
    const opening = resumed?.opening;
    // The footer shows the MCP servers starting from the first frame; they launch right after it.
    const feed = new McpChatFeed(settings.mcpServers);
    let launched = false;
    let refreshing: Promise<void> = Promise.resolve();
    let openRuntime!: () => void;
    const launch = new Promise<void>((resolve) => openRuntime = resolve);
    const runtime = launch.then(async () => {
      launched = true;
      refreshing = refreshSignIn(credentials, feed.warn);
      // What the runtime shows (answers, a session opened whole) needs pi-tui's later parts.
      const [wiring] = await Promise.all([
        import(CHAT_WIRING_MODULE) as Promise<typeof ChatWiring>,
        (await ui).loadLaterParts(),
      ]);
      return await wiring.openChatRuntime({
        io,
        paths,
        settings,
        credentials,
        workspace,
        withContext: !values["no-context"],
        patch,
        feed,
        session: resumed?.session,
        opening,
      });
    });
    runtime.catch(fail);
    const host = deferredHost(runtime.then((opened) => opened.host), {
      workspaceLabel: homeRelative(workspace, io.env("HOME")),
      initial: resumed?.initial ?? null,
      whole: opening
        ? async () => {
          const { whole } = (await runtime).host;
          if (whole === null) throw new Error("the chat's session has no whole to open");
          return await whole();
        }
        : null,
      mcp: feed,
    });
    const { runChat, ChatTerminal, loadLaterParts } = await ui;
    // A session shown in the first frame is shown with pi-tui's later parts (its markdown).
    if (resumed) await loadLaterParts();
    const chat = runChat({
      terminal: new ChatTerminal(),
      host,
      style: styleFor(true, io.env("NO_COLOR")),
      choice,
      title: `pixir ${VERSION}`,
      now: io.now,
    });
    void chat.painted.then(openRuntime);
    // Raw mode turns Ctrl+C into a key; a signal comes from elsewhere and ends the chat.
    const unlisten = [
      io.onSignal("SIGTERM", () => void chat.terminate()),
      io.onSignal("SIGINT", () => void chat.terminate()),
    ];
    const restoreOnCrash = guardAgainstCrashes({
      restore: chat.terminate,
      report: (message) => io.stderr.write(`pixir: internal error: ${message}\n`),
      exit: (code) => io.exit(code),
    });
    endChat = () => void chat.terminate();
    if (failure !== undefined) endChat();
    try {
      const end = await chat.done;
      if (failure !== undefined) throw failure;
      return end === "quit" ? EXIT.ok : EXIT.interrupted;
    } finally {
      restoreOnCrash();
      for (const off of unlisten) off();
      // A chat that ended before it painted never opened its runtime.
      if (launched) await runtime.then((opened) => opened.mcp.close(), () => {});
      // A refresh under way is let finish (the terminal is already restored, and Ctrl+C still
      // ends the process): its answer holds the sign-in's next refresh token, which a process
      // ending meanwhile would lose, signing the person out.
      await refreshing;
    }
  },
};

/**
 * The chat UI and its terminal library, loaded only when a chat starts (other commands stay fast)
 * and while the session and credentials are being read.
 */
async function loadUi() {
  const [{ runChat }, { ChatTerminal }, { loadLaterParts }] = await Promise.all([
    import("../ui/chat/chat_app.ts"),
    import("../ui/chat/screen.ts"),
    import("../ui/chat/pi_tui.ts"),
  ]);
  return { runChat, ChatTerminal, loadLaterParts };
}

/**
 * Refreshes an expiring sign-in, once the chat has painted: the network does not delay the first
 * frame. A failure is told in the transcript with its fix, and the chat stays open (the next
 * message tries again and fails the same way if nothing changed).
 */
async function refreshSignIn(
  credentials: RunCredentials,
  warn: (message: string) => void,
): Promise<void> {
  try {
    await credentials.provider.get();
  } catch (error) {
    const failure = authFailure(error);
    const message = failure instanceof Error ? failure.message : String(failure);
    const hint = failure instanceof Failure && failure.hint ? `; ${failure.hint}` : "";
    warn(`could not refresh the sign-in: ${message}${hint}`);
  }
}
