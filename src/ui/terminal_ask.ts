/**
 * Asking a person at a plain terminal whether a shell command may run: yes once, always for the
 * command's prefixes in this workspace, or no with an optional reason for the model. Unclear
 * answers are asked again; end of input is a no.
 */

import type { Answer, ApprovalRequest, Ask } from "../policy/approval.ts";

/** The terminal a question is put to: a line reader and an output. */
export interface TerminalIo {
  readLine(signal: AbortSignal): Promise<string | null>;
  write(text: string): Promise<void>;
}

/** An Ask that prompts on `terminal`. */
export function terminalAsk(terminal: TerminalIo): Ask {
  return async (request, signal) => {
    await terminal.write(question(request));
    for (;;) {
      await terminal.write("allow? [y]es once / [a]lways / [n]o [reason]: ");
      const line = await terminal.readLine(signal);
      if (line === null) {
        await terminal.write("\n");
        return { kind: "deny" };
      }
      const answer = parseAnswer(line);
      if (answer !== null) return answer;
      await terminal.write('please answer y, a or n (a reason may follow n: "n use pnpm")\n');
    }
  };
}

/** The question's text: the command and what "always" would save. */
function question(request: ApprovalRequest): string {
  const always = request.prefixes.length > 0
    ? `allow commands starting with ${
      request.prefixes.map((p) => `"${p}"`).join(", ")
    } in this workspace from now on`
    : "same as once: no rule can describe this command";
  return `\npixir wants to run a shell command:\n  ${request.command}\n  (always = ${always})\n`;
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
