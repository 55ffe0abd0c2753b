import assert from "node:assert/strict";
import { splitPolicyFlags } from "../../src/cli/policy_flags.ts";
import { CliFailure } from "../../src/cli/failure.ts";

Deno.test("permission flags are taken out of argv; the rest keeps its order", () => {
  const { patch, rest } = splitPolicyFlags(
    "run",
    [
      "--allow-read=docs,/etc/hosts",
      "-m",
      "x",
      "--allow-run",
      "--deny-net",
      "prompt",
      "--read-only",
    ],
    "/home/u/proj",
  );
  assert.deepEqual(patch, {
    read: ["/home/u/proj/docs", "/etc/hosts"],
    run: "all",
    net: false,
    readOnly: true,
  });
  assert.deepEqual(rest, ["-m", "x", "prompt"]);
});

Deno.test("repeated grants accumulate; a bare one means everything", () => {
  const { patch } = splitPolicyFlags("run", ["--allow-run=git", "--allow-run=npm,make"], "/");
  assert.deepEqual(patch.run, ["git", "npm", "make"]);
  assert.equal(
    splitPolicyFlags("run", ["--allow-write=a", "--allow-write"], "/").patch.write,
    "all",
  );
  assert.deepEqual(splitPolicyFlags("run", ["-A"], "/").patch, { all: true });
  assert.deepEqual(splitPolicyFlags("run", ["--yolo"], "/").patch, { all: true });
});

Deno.test("arguments after -- are never flags", () => {
  const { patch, rest } = splitPolicyFlags("run", ["--", "--allow-run", "-A"], "/");
  assert.deepEqual(patch, {});
  assert.deepEqual(rest, ["--", "--allow-run", "-A"]);
});

Deno.test("contradictions and empty lists are usage failures", () => {
  for (
    const argv of [
      ["--read-only", "--allow-write=x"],
      ["--read-only", "-A"],
      ["--deny-net", "--allow-net"],
      ["--allow-read="],
      ["--allow-run=,"],
    ]
  ) {
    assert.throws(() => splitPolicyFlags("run", argv, "/"), CliFailure, argv.join(" "));
  }
});

Deno.test("--allow-mcp takes servers and SERVER/TOOL names as written; bare means every server", () => {
  const { patch } = splitPolicyFlags("run", ["--allow-mcp=docs,everything/echo"], "/ws");
  assert.deepEqual(patch.mcp, ["docs", "everything/echo"]);
  assert.equal(splitPolicyFlags("chat", ["--allow-mcp"], "/").patch.mcp, "all");
});
