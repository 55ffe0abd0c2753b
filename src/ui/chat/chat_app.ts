/**
 * The interactive chat: a transcript above, a working indicator and queued messages, the editor,
 * and a footer. It owns the keys (abort, exit), the slash commands, the queue of messages typed
 * while a turn runs, and the terminal's lifetime: whatever ends the chat, the terminal is restored.
 */

import type { Terminal } from "@mariozechner/pi-tui";
import { Container, matchesKey, Text } from "./pi_tui.ts";
import type { Envelope } from "../../agent/event.ts";
import type { Answer, ApprovalRequest } from "../../policy/approval.ts";
import { MODEL_TABLE } from "../../provider/models.ts";
import { EFFORTS, type ReasoningEffort } from "../../provider/request.ts";
import type { Style } from "../style.ts";
import { ApprovalPrompt, promptAction } from "./approval_prompt.ts";
import type { ChatHost, ModelChoice, OpenedSession } from "./chat_host.ts";
import { chatCompletion } from "./completion.ts";
import { Footer } from "./footer.ts";
import { mcpFooterText, mcpReport } from "./mcp_status.ts";
import { attachMentions } from "./mentions.ts";
import { PromptEditor } from "./prompt_editor.ts";
import { CHAT_KEYS, parseSlash, SLASH_COMMANDS, type SlashName } from "./slash.ts";
import { skillsReport } from "../skills_report.ts";
import { chatTheme } from "./theme.ts";
import { Transcript } from "./transcript.ts";
import { ChatScreen } from "./screen.ts";
import { Spinner } from "./spinner.ts";
import { terminalLine } from "../terminal_text.ts";
import { requestCollection } from "../../util/garbage_collection.ts";

/** How the chat ended. */
export type ChatEnd = "quit" | "terminated";

/** What the chat is started with. */
export interface ChatOptions {
  terminal: Terminal;
  host: ChatHost;
  style: Style;
  /** The model and effort of the first turn. */
  choice: ModelChoice;
  /** The first line of the start screen (name and version). */
  title: string;
  now(): number;
}

/** The question on screen and how to answer it. */
interface OpenQuestion {
  prompt: ApprovalPrompt;
  answer(answer: Answer): void;
}

/** Two Ctrl+C on an empty editor within this long leave the chat. */
const DOUBLE_PRESS_MS = 1500;

/** Runs the chat until the user leaves; resolves with how it ended. The terminal is restored. */
export function runChat(
  options: ChatOptions,
): { done: Promise<ChatEnd>; terminate(): Promise<void>; painted: Promise<void> } {
  const app = new ChatApp(options);
  return { done: app.done, terminate: () => app.end("terminated"), painted: app.painted };
}

class ChatApp {
  readonly done: Promise<ChatEnd>;
  /** Settles once the first frame is painted, unless the chat ended first (then never). */
  readonly painted: Promise<void>;
  readonly #options: ChatOptions;
  readonly #tui: ChatScreen;
  readonly #transcript: Transcript;
  readonly #editor: PromptEditor;
  readonly #status = new Container();
  readonly #queueView: Text;
  /** A one-off hint under the transcript ("press Ctrl+C again…"), gone at the next key. */
  readonly #hint: Text;
  /** The working indicator, shown while a turn runs. */
  readonly #spinner: Spinner;
  readonly #footer: Footer;
  #choice: ModelChoice;
  #turn: { controller: AbortController; settled: Promise<void> } | undefined;
  readonly #queue: string[] = [];
  /** The shell command being asked about, and how to answer it. */
  #question: OpenQuestion | undefined;
  /** Settles when the last question asked is answered: questions are put one at a time. */
  #asked: Promise<unknown> = Promise.resolve();
  /** The editor's draft, put aside while it takes the reason of a no. */
  #draft = "";
  #lastCtrlC = -Infinity;
  #ended = false;
  /**
   * Settles once the runtime is open and the session the chat started in is shown whole: what is
   * typed waits for it.
   */
  #opening: Promise<void> = Promise.resolve();
  #resolve!: (end: ChatEnd) => void;

  constructor(options: ChatOptions) {
    this.#options = options;
    this.#choice = options.choice;
    this.done = new Promise((resolve) => this.#resolve = resolve);
    const { style, host } = options;
    const theme = chatTheme(style);
    this.#transcript = new Transcript(theme, host.readFile);
    this.#tui = new ChatScreen(options.terminal, {
      banner: new Text(
        `${style.bold(options.title)}\n${style.dim("/help for commands and keys")}`,
        1,
        0,
      ),
      history: this.#transcript,
    });
    this.#spinner = new Spinner(this.#tui, style);
    this.#editor = new PromptEditor(this.#tui, theme.editor);
    this.#editor.setAutocompleteProvider(chatCompletion({
      listFolder: host.listFolder,
      argumentValues: (command) => this.#argumentValues(command),
    }));
    this.#editor.onSubmit = (text) => void this.#submit(text);
    this.#queueView = new Text("", 1, 0);
    this.#hint = new Text("", 1, 0);
    this.#footer = new Footer({
      model: this.#choice.model,
      effort: this.#choice.effort,
      workspace: host.workspaceLabel,
      quota: null,
      mcp: mcpFooterText(host.mcp.states()),
    }, style);

    this.#tui.addChild(this.#transcript);
    this.#tui.addChild(this.#spinner);
    this.#tui.addChild(this.#status);
    this.#tui.addChild(this.#editor);
    this.#tui.addChild(this.#footer);
    this.#tui.setFocus(this.#editor);
    this.#tui.addInputListener((data) => this.#key(data) ? { consume: true } : undefined);
    this.#tui.start();
    this.painted = this.#tui.nextFrame().then(() =>
      this.#ended ? new Promise<void>(() => {}) : undefined
    );
    // A runtime that cannot be opened ends the chat (its caller reports why).
    const ready = host.ready.catch(() => {});
    this.#opening = host.initial
      ? Promise.all([ready, this.#open(host.initial, host.whole)]).then(() => {})
      : ready;
    void this.#refreshQuota();
    host.mcp.subscribe({
      changed: () => {
        this.#footer.info = { ...this.#footer.info, mcp: mcpFooterText(host.mcp.states()) };
        this.#tui.requestRender();
      },
      warning: (message) => this.#say("warning", message),
    });
  }

  /** Ends the chat: aborts a running turn, waits for it to settle, restores the terminal. */
  async end(how: ChatEnd): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const turn = this.#turn;
    if (turn) {
      turn.controller.abort(how === "terminated" ? "sigterm" : "aborted");
      await turn.settled;
    }
    this.#spinner.stop();
    this.#tui.stop();
    this.#resolve(how);
  }

  /** Handles the keys that are the chat's rather than the editor's; true when consumed. */
  #key(data: string): boolean {
    this.#status.removeChild(this.#hint);
    if (this.#question) return this.#questionKey(this.#question, data);
    if (matchesKey(data, "ctrl+c")) {
      this.#ctrlC();
      return true;
    }
    if (matchesKey(data, "ctrl+d") && this.#editor.getText() === "") {
      void this.end("quit");
      return true;
    }
    if (matchesKey(data, "escape") && this.#turn && !this.#editor.isShowingAutocomplete()) {
      this.#turn.controller.abort("aborted");
      return true;
    }
    return false;
  }

  /** A key while a question is open: it answers it, or types the reason, or is swallowed. */
  #questionKey(question: OpenQuestion, data: string): boolean {
    const action = promptAction(question.prompt.stage, data, this.#editor.getText());
    switch (action.kind) {
      case "answer":
        question.answer(action.answer);
        return true;
      case "reason":
        this.#draft = this.#editor.getText();
        this.#editor.setText("");
        question.prompt.askReason();
        this.#tui.requestRender();
        return true;
      case "cancel":
        question.answer({ kind: "deny" });
        this.#turn?.controller.abort("aborted");
        return true;
      case "edit":
        return false;
      case "ignore":
        return true;
    }
  }

  /**
   * Asks about a shell command inside the chat, after any question already open. An abort of
   * `signal` withdraws the question as a no.
   */
  #ask(request: ApprovalRequest, signal: AbortSignal): Promise<Answer> {
    const answer = this.#asked.then(() => this.#askNow(request, signal));
    this.#asked = answer;
    return answer;
  }

  #askNow(request: ApprovalRequest, signal: AbortSignal): Promise<Answer> {
    if (signal.aborted || this.#ended) return Promise.resolve({ kind: "deny" });
    const prompt = new ApprovalPrompt(request, this.#options.style);
    return new Promise((resolve) => {
      const answer = (given: Answer) => {
        signal.removeEventListener("abort", withdraw);
        if (prompt.stage === "reason") this.#editor.setText(this.#draft);
        this.#draft = "";
        this.#question = undefined;
        this.#status.removeChild(prompt);
        this.#transcript.awaitingApproval(false);
        this.#tui.requestRender();
        resolve(given);
      };
      const withdraw = () => answer({ kind: "deny" });
      signal.addEventListener("abort", withdraw, { once: true });
      this.#question = { prompt, answer };
      this.#status.addChild(prompt);
      this.#transcript.awaitingApproval(true);
      this.#tui.requestRender();
    });
  }

  #ctrlC(): void {
    if (this.#turn) {
      this.#turn.controller.abort("aborted");
      return;
    }
    if (this.#editor.getText() !== "") {
      this.#editor.setText("");
      this.#tui.requestRender();
      return;
    }
    const now = this.#options.now();
    if (now - this.#lastCtrlC <= DOUBLE_PRESS_MS) {
      void this.end("quit");
      return;
    }
    this.#lastCtrlC = now;
    this.#hint.setText(this.#options.style.dim("press Ctrl+C again to quit"));
    this.#status.addChild(this.#hint);
    this.#tui.requestRender();
  }

  async #submit(text: string): Promise<void> {
    if (text.trim() === "") return;
    await this.#opening;
    this.#editor.addToHistory(text);
    const input = parseSlash(text);
    switch (input.kind) {
      case "message":
        return await this.#submitMessage(text);
      case "unknown":
        // `/NAME` of a skill is a message that loads the skill.
        if (this.#options.host.skills.some((skill) => skill.name === input.name)) {
          return await this.#submitMessage(text);
        }
        this.#say("error", `unknown command /${input.name}; /help lists the commands`);
        return;
      case "invalid":
        this.#say("error", input.problem);
        return;
      case "command":
        try {
          await this.#command(input.name, input.argument);
        } catch (error) {
          this.#say("error", error instanceof Error ? error.message : String(error));
        }
        return;
    }
  }

  /** Sends a message now, or queues it behind the turn running. */
  async #submitMessage(text: string): Promise<void> {
    if (this.#turn) {
      this.#queue.push(text);
      this.#showQueue();
    } else {
      await this.#startTurn(text);
    }
  }

  async #command(name: SlashName, argument: string): Promise<void> {
    const { host } = this.#options;
    switch (name) {
      case "help":
        return this.#say("info", helpText());
      case "model":
        if (argument === "") {
          return this.#say("info", `model: ${this.#choice.model} (change with /model <name>)`);
        }
        this.#choose({ ...this.#choice, model: argument });
        return this.#say("info", `model set to ${argument}`);
      case "effort": {
        if (argument === "") return this.#say("info", `effort: ${this.#choice.effort}`);
        const effort = EFFORTS.find((e) => e === argument);
        if (!effort) return this.#say("error", `effort must be one of ${EFFORTS.join(", ")}`);
        this.#choose({ ...this.#choice, effort });
        return this.#say("info", `effort set to ${effort}`);
      }
      case "new":
        if (this.#busy("/new")) return;
        host.newSession();
        this.#transcript.clear();
        this.#footer.info = { ...this.#footer.info, contextTokens: undefined };
        return this.#say("info", "new session: your next message starts it");
      case "resume":
        if (this.#busy("/resume")) return;
        return await this.#show(await host.resume(argument));
      case "sessions":
        return this.#say("info", await host.sessions());
      case "status":
        return this.#say("info", await host.status());
      case "mcp":
        return this.#say("info", mcpReport(host.mcp.states()));
      case "undo":
        if (this.#busy("/undo")) return;
        return this.#say("info", await host.undo());
      case "compact": {
        if (this.#busy("/compact")) return;
        this.#say("info", "compacting the conversation…");
        const summary = await host.compact(argument);
        // The figure shown was measured before the summary; the next answer measures again.
        this.#footer.info = { ...this.#footer.info, contextTokens: undefined };
        return this.#say("info", `compacted; the model now sees this summary:\n${summary}`);
      }
      case "skills":
        return this.#say("info", skillsReport(host.skills).trimEnd());
      case "clear":
        this.#transcript.clear();
        this.#tui.requestRender(true);
        return;
      case "quit":
        return await this.end("quit");
    }
  }

  /** True (and says so) when a turn runs and `command` must wait for it. */
  #busy(command: string): boolean {
    if (!this.#turn) return false;
    this.#say("warning", `${command} waits until the answer ends (Esc interrupts it)`);
    return true;
  }

  /**
   * Shows the session the chat starts in; when that is a long session's last turns, opens it
   * whole once they are painted and shows it whole (a failure to open it ends the chat, which
   * reports why).
   */
  async #open(initial: OpenedSession, whole: ChatHost["whole"]): Promise<void> {
    await this.#show(initial);
    if (whole === null) return;
    // Reading the rest takes the process a while: the last turns reach the screen first.
    await this.#tui.nextFrame();
    const session = await whole().catch(() => null);
    if (session !== null && !this.#ended) await this.#show(session);
    // Reading a long log left megabytes of garbage (its text, what parsing made of it, the last
    // turns shown first): collected now, the chat's later work reuses that memory.
    requestCollection();
  }

  /** Shows an opened session: its conversation, its model, its context use. */
  async #show(session: OpenedSession): Promise<void> {
    this.#transcript.clear();
    for (const envelope of session.events) await this.#transcript.event(envelope);
    this.#choose({ model: session.model, effort: session.effort });
    this.#footer.info = { ...this.#footer.info, contextTokens: contextTokens(session.events) };
    this.#say("info", `session ${session.id}`);
    for (const warning of session.warnings) this.#say("warning", warning);
  }

  #choose(choice: ModelChoice): void {
    this.#choice = choice;
    this.#footer.info = { ...this.#footer.info, model: choice.model, effort: choice.effort };
    this.#tui.requestRender();
  }

  async #startTurn(text: string): Promise<void> {
    const controller = new AbortController();
    let settle!: () => void;
    this.#turn = { controller, settled: new Promise((resolve) => settle = resolve) };
    this.#spinner.start(working("working"));
    this.#showQueue();
    try {
      const { host } = this.#options;
      const message = await attachMentions(text, host.readFile, host.readImage);
      for (const problem of message.problems) this.#say("error", problem);
      if (message.problems.length > 0) {
        throw new Error("the message was not sent; fix or remove the mention");
      }
      await host.runTurn(message.text, message.images, this.#choice, {
        emit: (envelope) => this.#event(envelope),
        warn: (message) => this.#say("warning", message),
        ask: (request, signal) => this.#ask(request, signal),
      }, controller.signal);
    } catch (error) {
      this.#transcript.notice("error", error instanceof Error ? error.message : String(error));
    } finally {
      this.#spinner.stop();
      // Whatever the turn left live (it failed, or was cut short) ends here.
      this.#transcript.settle();
      this.#tui.requestRender();
      this.#turn = undefined;
      settle();
    }
    await this.#refreshQuota();
    const next = this.#queue.shift();
    this.#showQueue();
    if (next !== undefined && !this.#ended) await this.#startTurn(next);
  }

  async #event(envelope: Envelope): Promise<void> {
    await this.#transcript.event(envelope);
    switch (envelope.type) {
      case "reasoning_delta":
        this.#spinner.setMessage(working("thinking"));
        break;
      case "text_delta":
        this.#spinner.setMessage(working("answering"));
        break;
      case "tool_started":
        this.#spinner.setMessage(working(`running ${envelope.data.name}`));
        break;
      case "usage":
        this.#footer.info = {
          ...this.#footer.info,
          contextTokens: envelope.data.input_tokens + envelope.data.output_tokens,
        };
        break;
    }
    this.#tui.requestRender();
  }

  #showQueue(): void {
    const { style } = this.#options;
    this.#status.removeChild(this.#queueView);
    if (this.#queue.length > 0) {
      this.#queueView.setText(
        this.#queue.map((text) => style.dim(`queued: ${terminalLine(text.split("\n")[0])}`))
          .join("\n"),
      );
      this.#status.addChild(this.#queueView);
    }
    this.#tui.requestRender();
  }

  async #refreshQuota(): Promise<void> {
    const quota = await this.#options.host.quota();
    this.#footer.info = { ...this.#footer.info, quota };
    this.#tui.requestRender();
  }

  #say(kind: "info" | "warning" | "error", text: string): void {
    this.#transcript.notice(kind, text);
    this.#tui.requestRender();
  }

  async #argumentValues(command: SlashName) {
    switch (command) {
      case "model":
        return MODEL_TABLE.map((m) => ({ value: m.slug, label: m.slug }));
      case "effort":
        return EFFORTS.map((e: ReasoningEffort) => ({ value: e, label: e }));
      case "resume":
        return await this.#options.host.sessionIds();
      default:
        return [];
    }
  }
}

/** The working indicator's message for what the turn is doing. */
function working(doing: string): string {
  return `${doing}… (esc to interrupt)`;
}

/** The `/help` text: every command, then the keys. */
export function helpText(): string {
  const width = Math.max(
    ...SLASH_COMMANDS.map((c) => c.name.length + (c.argument?.hint.length ?? 0)),
  );
  const commands = SLASH_COMMANDS.map((c) => {
    const usage = c.argument ? `${c.name} ${c.argument.hint}` : c.name;
    return `/${usage.padEnd(width + 1)}  ${c.description}`;
  });
  return [...commands, "", ...CHAT_KEYS].join("\n");
}

/** Tokens the last request of the session used (its context), from its last usage event. */
export function contextTokens(events: readonly Envelope[]): number | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.type === "usage") return event.data.input_tokens + event.data.output_tokens;
  }
  return undefined;
}
