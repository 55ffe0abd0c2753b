import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { RUN_FLAGS } from "../../src/cli/inputs.ts";
import { OUTPUT_FLAGS } from "../../src/cli/output.ts";
import { sandbox } from "./helpers.ts";

/** Flag definitions as `parseArgs` takes them. */
type FlagTable = Readonly<Record<string, { type: string; short?: string }>>;

/** The command-line spellings of every flag in `table`: `--name` and, if any, `-x`. */
function spellings(table: FlagTable): string[] {
  return Object.entries(table).flatMap(([name, flag]) =>
    flag.short === undefined ? [`--${name}`] : [`--${name}`, `-${flag.short}`]
  );
}

const HELP_FLAGS = { help: { type: "boolean", short: "h" } };

/** Every flag each command accepts, as its help must document them. */
const COMMAND_FLAGS: Record<string, string[]> = {
  run: spellings({ ...RUN_FLAGS, ...OUTPUT_FLAGS, ...HELP_FLAGS }),
  resume: spellings({ ...RUN_FLAGS, ...OUTPUT_FLAGS, ...HELP_FLAGS, last: { type: "boolean" } }),
  // `sessions` keeps its flags to itself; these are the ones the README documents.
  sessions: spellings({
    all: { type: "boolean" },
    json: { type: "boolean" },
    cwd: { type: "string", short: "C" },
    ...HELP_FLAGS,
  }),
  export: spellings({ format: { type: "string" }, ...HELP_FLAGS }),
  undo: spellings({
    turn: { type: "string" },
    "dry-run": { type: "boolean" },
    force: { type: "boolean" },
    json: { type: "boolean" },
    cwd: { type: "string", short: "C" },
    ...HELP_FLAGS,
  }),
  usage: spellings({ json: { type: "boolean" }, days: { type: "string" }, ...HELP_FLAGS }),
  models: spellings({ json: { type: "boolean" }, auth: { type: "string" }, ...HELP_FLAGS }),
};

/** Whether `text` mentions `flag` as a whole word (so `--json` is not found in `--jsonl`). */
function mentions(text: string, flag: string): boolean {
  return new RegExp(`(^|[\\s,\\[])${flag}\\b`, "m").test(text);
}

Deno.test("--version prints the version from deno.json", async () => {
  await using box = await sandbox();
  for (const flag of ["--version", "-V"]) {
    const result = await box.run([flag]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `pixir ${denoJson.version}\n`);
    assert.equal(result.stderr, "");
  }
});

Deno.test("help lists every command, the exit codes and an example", async () => {
  await using box = await sandbox();
  const help = await box.run(["help"]);
  const bare = await box.run([]);

  assert.equal(help.code, 0);
  assert.equal(bare.code, 0);
  assert.equal(bare.stdout, help.stdout);
  for (const command of [...Object.keys(COMMAND_FLAGS), "help"]) {
    assert.match(help.stdout, new RegExp(`^  ${command} `, "m"), `lists ${command}`);
  }
  for (const flag of ["--version", "--help"]) assert.ok(mentions(help.stdout, flag), flag);
  for (const code of [0, 1, 2, 3, 4, 5, 124, 130]) {
    assert.match(help.stdout, new RegExp(`\\b${code} `), `exit code ${code}`);
  }
  assert.match(help.stdout, /Example/);
});

for (const [command, flags] of Object.entries(COMMAND_FLAGS)) {
  Deno.test(`${command} --help documents every flag and has an example`, async () => {
    await using box = await sandbox();
    const results = await Promise.all([
      box.run([command, "--help"]),
      box.run([command, "-h"]),
      box.run(["help", command]),
    ]);

    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, results[0].stdout);
    }
    const help = results[0].stdout;
    assert.match(help, new RegExp(`^Usage: pixir ${command}`));
    for (const flag of flags) assert.ok(mentions(help, flag), `${command} --help mentions ${flag}`);
    assert.match(help, /Example/);
  });
}

Deno.test("help --help explains the help command with an example", async () => {
  await using box = await sandbox();
  const result = await box.run(["help", "--help"]);

  assert.equal(result.code, 0);
  assert.match(result.stdout, /^Usage: pixir help/);
  assert.match(result.stdout, /Example/);
});
