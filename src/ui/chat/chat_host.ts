/** What the chat needs from the rest of Pixir, passed in so the UI never reaches past its layer. */

import type { AutocompleteItem } from "@mariozechner/pi-tui";
import type { Envelope } from "../../agent/event.ts";
import type { Emit, TurnOutcome } from "../../agent/turn.ts";
import type { Ask } from "../../policy/approval.ts";
import type { QuotaSnapshot } from "../../quota/snapshot.ts";
import type { ModelChoice } from "../../app/session_host.ts";
import type { ListWorkspaceFolder } from "./completion.ts";
import type { ReadWorkspaceFile, ReadWorkspaceImage } from "./mentions.ts";
import type { ImageBytes } from "../../agent/images.ts";
import type { McpFeed } from "./mcp_status.ts";
import type { Skill } from "../../skills/skills.ts";

/** The model and effort the next turn uses (the runtime's, so there is one definition). */
export type { ModelChoice } from "../../app/session_host.ts";

/** A session opened for the chat: its events to show again, and the model it last used. */
export interface OpenedSession extends ModelChoice {
  id: string;
  events: readonly Envelope[];
  /** Problems found in its log that were recovered from. */
  warnings: readonly string[];
}

/** Where a turn reports to the chat. */
export interface TurnSink {
  /** Every event of the turn. */
  emit: Emit;
  /** A problem worth a warning but not a failure (a quota cache that cannot be saved). */
  warn(message: string): void;
  /** Asks the user, inside the chat, whether a shell command that needs approval may run. */
  ask: Ask;
}

/**
 * The chat's view of sessions, the agent and the account. Methods that can fail for a reason the
 * user should read reject with an Error whose message says it; the chat shows it and goes on.
 */
export interface ChatHost {
  /** The workspace as the footer shows it. */
  workspaceLabel: string;
  /** The skills found when the chat started. */
  skills: readonly Skill[];
  /** The session the chat starts in (`--continue`, `--resume`), or null for a fresh one. */
  initial: OpenedSession | null;
  /**
   * When `initial` holds only a long session's last turns (shown at once, the rest read once they
   * are on screen): opens the whole session; it rejects when it cannot be opened. Null when
   * `initial` is whole.
   */
  whole: (() => Promise<OpenedSession>) | null;
  /**
   * Settles once the runtime behind the host is open (the chat paints before it is): what is
   * typed waits for it. It rejects when the runtime cannot be opened.
   */
  ready: Promise<void>;
  /**
   * Runs one prompt, with the images attached to it, as a turn of the current session (created
   * on the first prompt); rejects when the model takes no images.
   */
  runTurn(
    prompt: string,
    images: readonly ImageBytes[],
    choice: ModelChoice,
    sink: TurnSink,
    signal: AbortSignal,
  ): Promise<TurnOutcome>;
  /** Leaves the current session; the next prompt starts a new one. */
  newSession(): void;
  /** Opens another session (by id or unique prefix) and makes it the current one. */
  resume(id: string): Promise<OpenedSession>;
  /** The sessions of the workspace, as lines of text. */
  sessions(): Promise<string>;
  /** Recent session ids, for completing `/resume`. */
  sessionIds(): Promise<AutocompleteItem[]>;
  /**
   * Undoes the file changes of the current session's last turn not undone yet; resolves to what
   * was done, as lines of text, and rejects when there is nothing to undo.
   */
  undo(): Promise<string>;
  /**
   * Has the model summarise the current session's conversation (paying most attention to
   * `focus` when it is not empty) and returns the summary; rejects when there is nothing to
   * compact or the model call fails.
   */
  compact(focus: string): Promise<string>;
  /** The account, plan and quota, as lines of text. */
  status(): Promise<string>;
  /** The last known plan quota. */
  quota(): Promise<QuotaSnapshot | null>;
  /** The MCP servers of the chat, starting while the chat opens. */
  mcp: McpFeed;
  readFile: ReadWorkspaceFile;
  readImage: ReadWorkspaceImage;
  listFolder: ListWorkspaceFolder;
}
