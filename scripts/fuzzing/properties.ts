// deno-lint-ignore-file no-console
/**
 * Runs the property fuzzers of tests/fuzz with fresh seeds until the time is up, round-robin, and
 * prints how many inputs each tried and every failure with the seed that replays it. A failure
 * found here becomes a regression test (a fixed input in the suite, or a new property).
 * Usage: scripts/fuzz [--seconds N] [--seed S] [--runs-per-batch R]
 */

import { parseArgs } from "node:util";
import { TARGETS } from "../../tests/fuzz/properties.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "60" },
    seed: { type: "string" },
    "runs-per-batch": { type: "string", default: "200" },
  },
});
const seconds = Number(values.seconds);
const batch = Number(values["runs-per-batch"]);
if (!(seconds > 0) || !(batch > 0)) {
  console.error("scripts/fuzz: --seconds and --runs-per-batch take positive numbers");
  Deno.exit(2);
}
let seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);

const tried = new Map<string, number>(TARGETS.map((t) => [t.name, 0]));
const failures: { target: string; seed: number; report: string }[] = [];
const dir = await Deno.makeTempDir({ prefix: "pixir-fuzz-" });
const deadline = Date.now() + seconds * 1000;
try {
  while (Date.now() < deadline) {
    for (const target of TARGETS) {
      if (Date.now() >= deadline) break;
      const outcome = await target.check(dir, { seed, numRuns: batch });
      tried.set(target.name, (tried.get(target.name) ?? 0) + outcome.runs);
      if (outcome.failure !== null) {
        failures.push({ target: target.name, seed, report: outcome.failure });
        console.log(`FAILURE in ${target.name} (seed ${seed}):\n${outcome.failure}\n`);
      }
      seed = (seed + 1) % 2 ** 31;
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

let total = 0;
for (const [name, runs] of tried) {
  total += runs;
  console.log(`${String(runs).padStart(9)}  ${name}`);
}
console.log(
  `${String(total).padStart(9)}  inputs tried in ${seconds} s, ${failures.length} failures`,
);
Deno.exit(failures.length === 0 ? 0 : 1);
