import assert from "node:assert/strict";
import { guardAgainstCrashes } from "../../src/cli/crash_guard.ts";
import { EXIT } from "../../src/cli/failure.ts";

/** A guard that records what it does, in order. */
function recordingGuard() {
  const steps: string[] = [];
  const remove = guardAgainstCrashes({
    restore: () => Promise.resolve(void steps.push("restore")),
    report: (message) => Promise.resolve(void steps.push(`report ${message}`)),
    exit: (code) => void steps.push(`exit ${code}`),
  });
  return { steps, remove };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("an uncaught error restores the terminal, is reported in one line, and exits 1", async () => {
  const { steps, remove } = recordingGuard();
  try {
    const event = new ErrorEvent("error", { error: new Error("boom"), cancelable: true });
    globalThis.dispatchEvent(event);
    await settle();
    assert.equal(event.defaultPrevented, true, "no stack trace is printed");
    assert.deepEqual(steps, ["restore", "report boom", `exit ${EXIT.runtime}`]);
  } finally {
    remove();
  }
});

Deno.test("an unhandled rejection is handled the same way", async () => {
  const { steps, remove } = recordingGuard();
  try {
    const rejected = Promise.reject("no reason");
    rejected.catch(() => undefined);
    globalThis.dispatchEvent(
      new PromiseRejectionEvent("unhandledrejection", {
        promise: rejected,
        reason: "no reason",
        cancelable: true,
      }),
    );
    await settle();
    assert.deepEqual(steps, ["restore", "report no reason", `exit ${EXIT.runtime}`]);
  } finally {
    remove();
  }
});

Deno.test("once removed, the guard no longer acts", async () => {
  const { steps, remove } = recordingGuard();
  remove();
  const event = new ErrorEvent("error", { error: new Error("later"), cancelable: true });
  globalThis.dispatchEvent(event);
  await settle();
  assert.deepEqual(steps, []);
});
