/**
 * `pixir acp`: Pixir as an Agent Client Protocol agent for editors (Zed, JetBrains, Neovim). Each
 * ACP session is an ordinary Pixir session held by a session host; prompts stream back as
 * `session/update`s, a command that needs approval becomes `session/request_permission`, and the
 * editor's modes are Pixir's policies (read-only, ask, auto).
 */

import {
  agent,
  type AgentApp,
  type AgentContext,
  type ContentBlock,
  type McpServer,
  PROTOCOL_VERSION,
  RequestError,
  type SessionModeState,
  type StopReason,
} from "@agentclientprotocol/sdk";
import { Failure } from "../../app/failure.ts";
import { parseArguments } from "../tool_summary.ts";
import type { ModelChoice, SessionHost, SessionHostOptions } from "../../app/session_host.ts";
import { sessionModel } from "../../app/session_lookup.ts";
import type { Envelope } from "../../agent/event.ts";
import type { TurnOutcome } from "../../agent/turn.ts";
import type { Answer, ApprovalRequest, Ask } from "../../policy/approval.ts";
import type { PolicyPatch } from "../../policy/policy.ts";
import { errorMessage } from "../../util/error_message.ts";
import { updatesFor, type UpdateState } from "./updates.ts";
import { editorMcpServers } from "./mcp_servers.ts";
import type { McpServerConfig } from "../../config/mcp_servers.ts";

/** The modes an editor can switch between, each one of Pixir's policies. */
export const MODES = [
  {
    id: "read-only",
    name: "Read-only",
    description: "Nothing is written; only read-only shell commands run.",
    patch: { readOnly: true },
  },
  {
    id: "ask",
    name: "Ask",
    description: "Files change inside the workspace; other shell commands are asked about.",
    patch: {},
  },
  {
    id: "auto",
    name: "Auto",
    description:
      "Every shell command and MCP tool runs without asking; file tools stay in the workspace.",
    patch: { run: "all", mcp: "all" },
  },
] as const satisfies readonly {
  id: string;
  name: string;
  description: string;
  patch: PolicyPatch;
}[];

/** One of the modes' ids. */
export type ModeId = typeof MODES[number]["id"];

const DEFAULT_MODE: ModeId = "ask";

/** The sign-in methods `authenticate` offers. */
export const AUTH_METHODS = [
  {
    id: "chatgpt",
    name: "ChatGPT",
    description: "Sign in with your ChatGPT account in the browser (the same as `pixir login`).",
  },
  {
    id: "openai-api-key",
    name: "OpenAI API key",
    description: "Use OPENAI_API_KEY from the agent's environment.",
  },
] as const;

/** One of the sign-in methods' ids. */
export type AuthMethodId = typeof AUTH_METHODS[number]["id"];

/** What the agent needs from the process; every effect comes in here. */
export interface AcpAgentOptions {
  /**
   * Opens a host for the workspace `cwd` (an absolute path). Throws a Failure: `not_authenticated`
   * without a sign-in, `usage` for a folder that is not one.
   */
  openHost(
    cwd: string,
    reporters: Pick<SessionHostOptions, "emit" | "warn" | "notice">,
    mcpServers: readonly McpServerConfig[],
  ): Promise<AcpHost>;
  /** The model and effort a new session starts with. */
  defaultChoice(): ModelChoice;
  /** Signs in with `method`; throws a Failure saying why it did not work. */
  authenticate(method: AuthMethodId, signal: AbortSignal): Promise<void>;
  /** A line for the log (stderr), never for the protocol. */
  log(message: string): void;
  version: string;
}

/** A session host for an ACP session, with the MCP servers it started for it. */
export interface AcpHost {
  host: SessionHost;
  /** Stops the session's MCP servers. */
  stop(): Promise<void>;
}

/** An ACP session: its host, the mode, the turn running (if any) and what the editor refused. */
interface AcpSession {
  host: SessionHost;
  /** Stops the session's MCP servers. */
  stop(): Promise<void>;
  /** The tool call started last: calls run one at a time, so a question is about this one. */
  lastCall: string | undefined;
  choice: ModelChoice;
  mode: ModeId;
  turn: AbortController | null;
  state: UpdateState;
  /** The bash call each command came from, so a permission request can name it. */
  commandCalls: Map<string, string>;
  /** Prefixes refused "always" in this session: refused again without asking. */
  refused: Set<string>;
}

/** The ACP agent over Pixir's runtime; `connect` it to a stream. */
export function acpAgent(options: AcpAgentOptions): AgentApp {
  const sessions = new Map<string, AcpSession>();
  let client: AgentContext | undefined;
  /** Questions asked so far, to name one whose tool call is not known. */
  let questions = 0;

  const notify = async (sessionId: string, envelope: Envelope, entry: AcpSession) => {
    if (envelope.type === "tool_started") entry.lastCall = envelope.data.call_id;
    if (envelope.type === "tool_started" && envelope.data.name === "bash") {
      const { command } = parseArguments(envelope.data.arguments);
      if (typeof command === "string") entry.commandCalls.set(command, envelope.data.call_id);
    }
    for (const update of updatesFor(envelope, entry.host.workspace, entry.state, false)) {
      await client?.notify("session/update", { sessionId, update });
    }
  };

  /** Opens a host whose events reach the editor once the session id is known. */
  const open = async (cwd: string, editorServers: readonly McpServer[]) => {
    if (!cwd.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(cwd)) {
      throw RequestError.invalidParams({ cwd }, `cwd must be an absolute path, got "${cwd}"`);
    }
    const target: { id?: string; entry?: AcpSession } = {};
    const mcp = editorMcpServers(editorServers);
    for (const reason of mcp.refused) options.log(reason);
    const { host, stop } = await options.openHost(cwd, {
      // Only a new session's opening event comes before its id is known; it has no update.
      emit: async (envelope) => {
        if (target.id && target.entry) await notify(target.id, envelope, target.entry);
      },
      warn: (message) => options.log(`warning: ${message}`),
      notice: (message) => options.log(message),
    }, mcp.configs).catch(rethrowAsRequestError);
    const entry: AcpSession = {
      host,
      stop,
      lastCall: undefined,
      choice: options.defaultChoice(),
      mode: DEFAULT_MODE,
      turn: null,
      state: { announced: new Set() },
      commandCalls: new Map(),
      refused: new Set(),
    };
    return {
      entry,
      /** Routes the host's events to `id` from now on. */
      attach(id: string) {
        target.id = id;
        target.entry = entry;
        sessions.set(id, entry);
      },
    };
  };

  const sessionFor = (sessionId: string): AcpSession => {
    const entry = sessions.get(sessionId);
    if (!entry) throw RequestError.resourceNotFound(sessionId);
    return entry;
  };

  return agent({ name: "pixir" })
    .onConnect((connection) => {
      client = connection.client;
      connection.closed.then(() => {
        for (const entry of sessions.values()) {
          entry.turn?.abort("aborted");
          entry.host.close();
          void entry.stop();
        }
      }, () => {});
    })
    .onRequest("initialize", () => ({
      protocolVersion: PROTOCOL_VERSION,
      agentCapabilities: {
        loadSession: true,
        promptCapabilities: { image: false, audio: false, embeddedContext: true },
        mcpCapabilities: { http: true, sse: false },
      },
      authMethods: AUTH_METHODS.map((method) => ({ ...method })),
      agentInfo: { name: "pixir", title: "Pixir", version: options.version },
    }))
    .onRequest("authenticate", async ({ params, signal }) => {
      const method = AUTH_METHODS.find((m) => m.id === params.methodId);
      if (!method) {
        throw RequestError.invalidParams(
          { methodId: params.methodId },
          `unknown sign-in method "${params.methodId}"; use ${
            AUTH_METHODS.map((m) => m.id).join(" or ")
          }`,
        );
      }
      await options.authenticate(method.id, signal).catch(rethrowAsRequestError);
      return {};
    })
    .onRequest("session/new", async ({ params }) => {
      const opened = await open(params.cwd, params.mcpServers);
      const session = await opened.entry.host.start(opened.entry.choice)
        .catch(async (error) => {
          await opened.entry.stop();
          rethrowAsRequestError(error);
        });
      opened.attach(session.id);
      options.log(`session ${session.id} started in ${opened.entry.host.workspace}`);
      return { sessionId: session.id, modes: modeState(opened.entry.mode) };
    })
    .onRequest("session/load", async ({ params }) => {
      const opened = await open(params.cwd, params.mcpServers);
      const { entry } = opened;
      const session = await entry.host.resume({ id: params.sessionId })
        .catch(async (error) => {
          await entry.stop();
          rethrowAsRequestError(error);
        });
      const before = sessions.get(session.id);
      before?.host.close();
      await before?.stop();
      opened.attach(session.id);
      entry.choice = sessionModel(session);
      const replay: UpdateState = { announced: new Set() };
      for (const envelope of session.events) {
        for (const update of updatesFor(envelope, entry.host.workspace, replay, true)) {
          await client?.notify("session/update", { sessionId: session.id, update });
        }
      }
      options.log(`session ${session.id} loaded (${session.events.length} events)`);
      return { modes: modeState(entry.mode) };
    })
    .onRequest("session/set_mode", async ({ params }) => {
      const entry = sessionFor(params.sessionId);
      const mode = MODES.find((m) => m.id === params.modeId);
      if (!mode) {
        throw RequestError.invalidParams(
          { modeId: params.modeId },
          `unknown mode "${params.modeId}"; use ${MODES.map((m) => m.id).join(", ")}`,
        );
      }
      await entry.host.setPolicy(mode.patch).catch(rethrowAsRequestError);
      entry.mode = mode.id;
      return {};
    })
    .onRequest("session/prompt", async ({ params }) => {
      const entry = sessionFor(params.sessionId);
      if (entry.turn) {
        throw RequestError.invalidRequest(
          { sessionId: params.sessionId },
          "a prompt is already running in this session; cancel it first",
        );
      }
      const prompt = promptText(params.prompt);
      if (prompt.trim() === "") {
        throw RequestError.invalidParams({}, "the prompt has no text");
      }
      const controller = new AbortController();
      entry.turn = controller;
      let outcome: TurnOutcome;
      try {
        outcome = await entry.host.turn({
          prompt,
          ...entry.choice,
          ask: askEditor(params.sessionId, entry),
          signal: controller.signal,
        });
      } catch (error) {
        rethrowAsRequestError(error);
      } finally {
        entry.turn = null;
      }
      return { stopReason: stopReasonOf(outcome) };
    })
    .onNotification("session/cancel", ({ params }) => {
      sessions.get(params.sessionId)?.turn?.abort("aborted");
    });

  /** Asks the editor about a command; a cancelled turn (or request) is a refusal. */
  function askEditor(sessionId: string, entry: AcpSession): Ask {
    return async (request: ApprovalRequest, signal: AbortSignal): Promise<Answer> => {
      if (request.prefixes.length > 0 && request.prefixes.every((p) => entry.refused.has(p))) {
        return { kind: "deny", reason: "refused for the rest of this session in the editor" };
      }
      if (!client) return { kind: "deny", reason: "no editor is connected" };
      const toolCallId = entry.commandCalls.get(request.command) ?? entry.lastCall ??
        `approval-${++questions}`;
      try {
        const response = await client.request("session/request_permission", {
          sessionId,
          toolCall: {
            toolCallId,
            title: `${request.mcp ? "mcp" : "bash"}: ${request.command}`,
            kind: request.mcp ? "other" : "execute",
            status: "pending",
            rawInput: { command: request.command },
          },
          options: [
            { optionId: "allow_once", name: "Allow once", kind: "allow_once" },
            {
              optionId: "allow_always",
              name: `Always allow ${request.prefixes.map((p) => `\`${p}\``).join(", ")}`,
              kind: "allow_always",
            },
            { optionId: "reject_once", name: "Reject", kind: "reject_once" },
            {
              optionId: "reject_always",
              name: "Always reject (this session)",
              kind: "reject_always",
            },
          ],
        }, { cancellationSignal: signal, stopWaitingOnCancel: true });
        if (response.outcome.outcome === "cancelled") {
          return { kind: "deny", reason: "the editor cancelled the question" };
        }
        switch (response.outcome.optionId) {
          case "allow_once":
            return { kind: "once" };
          case "allow_always":
            return { kind: "always" };
          case "reject_always":
            for (const prefix of request.prefixes) entry.refused.add(prefix);
            return { kind: "deny" };
          default:
            return { kind: "deny" };
        }
      } catch (error) {
        if (!signal.aborted) options.log(`permission request failed: ${errorMessage(error)}`);
        return { kind: "deny", reason: "no answer from the editor" };
      }
    };
  }
}

/** The modes as ACP states them, with the current one. */
function modeState(current: ModeId): SessionModeState {
  return {
    currentModeId: current,
    availableModes: MODES.map(({ id, name, description }) => ({ id, name, description })),
  };
}

/**
 * The prompt as text: text blocks as they are, an embedded file as its path and content, a link
 * to a resource as its URI (the model can read it with its tools).
 */
export function promptText(blocks: readonly ContentBlock[]): string {
  const parts: string[] = [];
  for (const block of blocks) {
    if (block.type === "text") parts.push(block.text);
    else if (block.type === "resource" && "text" in block.resource) {
      parts.push(`<file uri="${block.resource.uri}">\n${block.resource.text}\n</file>`);
    } else if (block.type === "resource_link") parts.push(`@${block.uri}`);
  }
  return parts.join("\n\n");
}

/** Why the turn stopped, in ACP's words; a failure other than the iteration cap is an error. */
export function stopReasonOf(outcome: TurnOutcome): StopReason {
  switch (outcome.status) {
    case "answered":
      return "end_turn";
    case "incomplete":
      return "max_tokens";
    case "interrupted":
      return "cancelled";
    case "failed": {
      const { error } = outcome;
      if (error.kind === "iteration_cap") return "max_turn_requests";
      if (error.kind === "auth") throw authRequired(error.message);
      throw new RequestError(-32603, error.message, {
        kind: error.kind,
        ...(error.resets_at === undefined ? {} : { resets_at: error.resets_at }),
      });
    }
  }
}

/** ACP's auth-required error, saying how to sign in. */
function authRequired(message: string): RequestError {
  return RequestError.authRequired(
    { methods: AUTH_METHODS.map((m) => m.id) },
    `${message}; authenticate with ${
      AUTH_METHODS.map((m) => m.id).join(" or ")
    }, or run \`pixir login\` in a terminal`,
  );
}

/** A Failure said as a JSON-RPC error; anything else is thrown on as it is. */
function rethrowAsRequestError(error: unknown): never {
  if (error instanceof RequestError || !(error instanceof Failure)) throw error;
  const data = { kind: error.kind, ...error.details, ...(error.hint ? { hint: error.hint } : {}) };
  switch (error.kind) {
    case "not_authenticated":
      throw authRequired(error.message);
    case "unknown_session":
      throw new RequestError(-32002, error.message, data);
    case "usage":
      throw RequestError.invalidParams(data, error.message);
    default:
      throw new RequestError(-32603, error.message, data);
  }
}
