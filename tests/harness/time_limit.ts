/**
 * Every test gets a time limit. Loaded before the test modules (`deno test --preload`, as
 * `scripts/test` runs them), it wraps `Deno.test` so a test that has not finished after
 * `PIXIR_TEST_TIME_LIMIT_MS` (default 120 s) fails naming itself and its limit: a hang costs
 * seconds to minutes, never a CI job's whole budget. Steps run inside their test's limit.
 */

/** The default limit of one test, in milliseconds. */
export const DEFAULT_TEST_TIME_LIMIT_MS = 120_000;

type TestFn = (t: Deno.TestContext) => void | Promise<void>;

/** `fn` failing with a clear message once `ms` pass without it settling. */
export function withTimeLimit(name: string, fn: TestFn, ms: number): TestFn {
  return async (t) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `test "${name}" did not finish within its time limit of ${ms / 1000} s ` +
                "(PIXIR_TEST_TIME_LIMIT_MS, tests/harness/time_limit.ts)",
            ),
          ),
        ms,
      );
    });
    try {
      await Promise.race([fn(t), limit]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The limit from the environment, else the default. */
function limitMs(): number {
  const raw = Deno.env.get("PIXIR_TEST_TIME_LIMIT_MS");
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_TEST_TIME_LIMIT_MS;
}

/** Every way `Deno.test` can be called, brought to one definition with a limited `fn`. */
function limitedDefinition(args: unknown[], ms: number): Deno.TestDefinition {
  const [first, second, third] = args;
  let definition: Deno.TestDefinition;
  if (typeof first === "function") {
    definition = { name: first.name, fn: first as TestFn };
  } else if (typeof first === "string") {
    definition = typeof second === "function" ? { name: first, fn: second as TestFn } : {
      ...(second as Omit<Deno.TestDefinition, "name" | "fn">),
      name: first,
      fn: third as TestFn,
    };
  } else {
    const options = first as Deno.TestDefinition;
    definition = typeof second === "function"
      ? { ...options, name: options.name ?? (second as TestFn).name, fn: second as TestFn }
      : options;
  }
  return { ...definition, fn: withTimeLimit(definition.name, definition.fn, ms) };
}

const original = Deno.test;
const ms = limitMs();
const limited = (...args: unknown[]) => original(limitedDefinition(args, ms));
Object.assign(limited, {
  ignore: (...args: unknown[]) => original({ ...limitedDefinition(args, ms), ignore: true }),
  only: (...args: unknown[]) => original({ ...limitedDefinition(args, ms), only: true }),
});
// Deno.test is a read-only binding of the Deno namespace object, but a writable property.
Object.defineProperty(Deno, "test", { value: limited, configurable: true, writable: true });
