/**
 * A time limit on approval questions, so that a terminal nobody types into (a CI job started
 * with a pseudo-terminal, a forgotten session) cannot hold a run forever: unanswered, the
 * question is withdrawn and the command denied with the reason.
 */

import type { Answer, Ask } from "./approval.ts";

/** `ask`, denied with a reason once `limitMs` pass without an answer. */
export function timedAsk(ask: Ask, limitMs: number): Ask {
  return async (request, signal) => {
    const withdraw = new AbortController();
    const stop = () => withdraw.abort();
    signal.addEventListener("abort", stop, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<Answer>((resolve) => {
      timer = setTimeout(() => {
        withdraw.abort();
        resolve({
          kind: "deny",
          reason: `nobody answered the approval question within ${
            Math.round(limitMs / 1000)
          } s (approval_timeout_secs), so the command was denied`,
        });
      }, limitMs);
    });
    try {
      const asked = ask(request, withdraw.signal);
      // Withdrawn after the limit, the question may still settle (or reject); nobody listens.
      asked.catch(() => {});
      return await Promise.race([asked, expired]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
    }
  };
}
