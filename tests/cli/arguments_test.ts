/**
 * Every command refuses what it does not take — an unknown flag, a value given to a switch, a
 * missing value, an argument too many, a bad value — in Pixir's own words, with exit 2 and the
 * command's usage line; never the argument parser's own text.
 */

import assert from "node:assert/strict";
import { sandbox } from "./helpers.ts";

/** One refused command line and what its message must say. */
interface Refusal {
  args: string[];
  message: RegExp;
  /** The first line of the command's usage. */
  usage: RegExp;
}

const REFUSALS: Refusal[] = [
  { args: ["run", "--bogus", "hi"], message: /run: unknown flag --bogus/, usage: /pixir run/ },
  {
    args: ["run", "--timeout", "-5", "hi"],
    message: /--timeout: "-5" must be a positive number of seconds/,
    usage: /pixir run/,
  },
  { args: ["run", "--json=yes", "hi"], message: /--json takes no value/, usage: /pixir run/ },
  { args: ["run", "hi", "-m"], message: /run: -m needs a value/, usage: /pixir run/ },
  {
    args: ["run", "--model", "--no-context", "hi"],
    message: /--model needs a value \(got the flag --no-context\)/,
    usage: /pixir run/,
  },
  { args: ["resume", "--bogus"], message: /resume: unknown flag --bogus/, usage: /pixir resume/ },
  { args: ["chat", "--bogus"], message: /chat: unknown flag --bogus/, usage: /pixir chat/ },
  {
    args: ["status", "extra"],
    message: /status: takes no arguments \(got "extra"\)/,
    usage: /pixir status/,
  },
  { args: ["logout", "now"], message: /logout: takes no arguments/, usage: /pixir logout/ },
  { args: ["doctor", "--fast"], message: /doctor: unknown flag --fast/, usage: /pixir doctor/ },
  { args: ["models", "all"], message: /models: takes no arguments/, usage: /pixir models/ },
  { args: ["usage", "--days"], message: /usage: --days needs a value/, usage: /pixir usage/ },
  {
    args: ["sessions", "--bogus"],
    message: /sessions: unknown flag --bogus/,
    usage: /pixir sessions/,
  },
  { args: ["export", "a", "b"], message: /export: unexpected "b"/, usage: /pixir export/ },
  { args: ["undo", "a", "b"], message: /undo: unexpected "b"/, usage: /pixir undo/ },
  { args: ["compact", "a", "b"], message: /compact: unexpected "b"/, usage: /pixir compact/ },
  { args: ["login", "--bogus"], message: /login: unknown flag --bogus/, usage: /pixir login/ },
  {
    args: ["permissions", "set", "extra"],
    message: /permissions: takes no arguments \(got "extra"\)/,
    usage: /pixir permissions/,
  },
  { args: ["config", "--bogus"], message: /config: unknown flag --bogus/, usage: /pixir config/ },
  { args: ["trust", "a", "b"], message: /trust: unexpected "b"/, usage: /pixir trust/ },
  { args: ["help", "run", "x"], message: /help: takes one command name/, usage: /pixir help/ },
];

for (const { args, message, usage } of REFUSALS) {
  Deno.test(`\`pixir ${args.join(" ")}\` is refused with exit 2 and the usage line`, async () => {
    await using box = await sandbox();
    const { code, stdout, stderr } = await box.run(args);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, "");
    assert.match(stderr, message);
    assert.match(stderr, new RegExp(`Usage: ${usage.source}`));
    // Node's parser speaks of "Unknown option", "ambiguous" and "place it at the end … after '--'".
    assert.doesNotMatch(stderr, /Unknown option|ambiguous|after '--'|ERR_PARSE_ARGS/);
  });
}

Deno.test("`run --json` refuses a bad flag with one JSON line carrying the usage", async () => {
  await using box = await sandbox();
  const { code, stdout } = await box.run(["run", "--json", "--bogus", "hi"]);
  assert.equal(code, 2);
  const result = JSON.parse(stdout);
  assert.equal(result.error.kind, "usage");
  assert.match(result.error.message, /unknown flag --bogus/);
  assert.match(result.error.details.hint, /Usage: pixir run/);
});
