/**
 * Asking a person at a plain terminal whether a shell command may run, one key as in the chat: y
 * (once), a (always for the command's prefixes in this workspace), n (no, then an optional reason
 * typed as a line for the model), Esc (no). Other keys are ignored; end of input is a no.
 */

import type { Answer, ApprovalRequest, Ask } from "../policy/approval.ts";
import { terminalLine, terminalText } from "./terminal_text.ts";

/** The terminal a question is put to: a key reader, a line reader and an output. */
export interface TerminalIo {
  /** One key, unechoed, without Enter; null at end of input or on abort. */
  readKey(signal: AbortSignal): Promise<string | null>;
  readLine(signal: AbortSignal): Promise<string | null>;
  write(text: string): Promise<void>;
}

/** The line that asks for the key. */
export const KEYS_PROMPT = "allow? [y] once · [a] always · [n] no (then a reason) · esc: no › ";

/** An Ask that prompts on `terminal`. */
export function terminalAsk(terminal: TerminalIo): Ask {
  return async (request, signal) => {
    await terminal.write(question(request));
    await terminal.write(KEYS_PROMPT);
    for (;;) {
      const key = await terminal.readKey(signal);
      if (key === null) {
        await terminal.write("\n");
        return { kind: "deny" };
      }
      const choice = keyChoice(key);
      if (choice === null) continue;
      if (choice === "escape") {
        await terminal.write("no\n");
        return { kind: "deny" };
      }
      await terminal.write(`${choice}\n`);
      if (choice === "y") return { kind: "once" };
      if (choice === "a") return { kind: "always" };
      await terminal.write("reason for the model (optional, Enter to skip): ");
      const reason = (await terminal.readLine(signal))?.trim() ?? "";
      return reason === "" ? { kind: "deny" } : { kind: "deny", reason };
    }
  };
}

/** What a key read at the question chooses; null for a key that means nothing there. */
export function keyChoice(key: string): "y" | "a" | "n" | "escape" | null {
  if (key === "\x1b") return "escape";
  // Another escape sequence (an arrow, a function key) is not an answer.
  if (key.startsWith("\x1b")) return null;
  const first = key[0].toLowerCase();
  return first === "y" || first === "a" || first === "n" ? first : null;
}

/** The question's text: the command and what "always" would save. */
function question(request: ApprovalRequest): string {
  const always = request.prefixes.length > 0
    ? `allow commands starting with ${
      request.prefixes.map((p) => `"${terminalLine(p)}"`).join(", ")
    } in this workspace from now on`
    : "same as once: no rule can describe this command";
  const command = commandLines(request.command).map((line) => `  ${line}\n`).join("");
  return `\npixir wants to run a shell command:\n${command}  (always = ${always})\n`;
}

/**
 * The command of a question as the lines to show: whole, never cut, every control character in it
 * (an escape sequence that would erase or overwrite what is shown, a CR, a tab) made visible, so
 * the person sees every byte that will run.
 */
export function commandLines(command: string): string[] {
  return terminalText(command, { tabs: false }).split("\n");
}

/** Parses a typed answer; null when it is none of the choices. */
export function parseAnswer(line: string): Answer | null {
  const text = line.trim();
  const [word, ...rest] = text.split(/\s+/);
  switch (word.toLowerCase()) {
    case "y":
    case "yes":
      return { kind: "once" };
    case "a":
    case "always":
      return { kind: "always" };
    case "n":
    case "no": {
      const reason = rest.join(" ").trim();
      return reason === "" ? { kind: "deny" } : { kind: "deny", reason };
    }
    default:
      return null;
  }
}
