// Driven by time_limit_test.ts: one test that never ends, one that passes, one ignored.
Deno.test("never ends", () => new Promise<void>(() => {}));
Deno.test("passes", () => {});
Deno.test({ name: "cannot run here", ignore: true, fn: () => {} });
