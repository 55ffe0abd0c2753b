import assert from "node:assert/strict";
import {
  DEFAULT_POLICY,
  describePolicy,
  fileAccess,
  mergePolicy,
  PolicyError,
} from "../../src/policy/policy.ts";

Deno.test("the default policy: the workspace only, no extra commands, network on", () => {
  assert.deepEqual(fileAccess(DEFAULT_POLICY, "/ws", ["/cfg"]), {
    read: ["/ws"],
    write: ["/ws"],
    hidden: ["/cfg"],
  });
  assert.deepEqual(describePolicy(DEFAULT_POLICY), ["--allow-net"]);
});

Deno.test("patches accumulate grants and override switches, in order", () => {
  const policy = mergePolicy(
    DEFAULT_POLICY,
    { run: ["git"], read: ["/docs"], net: false },
    { run: ["npm", "git"], net: true, mcp: ["srv"] },
    { mcp: ["srv/tool"] },
  );
  assert.deepEqual(policy, {
    read: ["/docs"],
    write: [],
    run: ["git", "npm"],
    mcp: ["srv", "srv/tool"],
    net: true,
    readOnly: false,
  });
  assert.equal(mergePolicy(policy, { run: "all" }).run, "all");
  assert.deepEqual(describePolicy(mergePolicy(policy, { write: "all" })), [
    "--allow-read=/docs",
    "--allow-write",
    "--allow-run=git,npm",
    "--allow-mcp=srv,srv/tool",
    "--allow-net",
  ]);
});

Deno.test("-A grants everything; bare grants map to the filesystem root", () => {
  const all = mergePolicy(DEFAULT_POLICY, { net: false, readOnly: true }, { all: true });
  assert.deepEqual(all, {
    read: "all",
    write: "all",
    run: "all",
    mcp: "all",
    net: true,
    readOnly: false,
  });
  assert.deepEqual(fileAccess(all, "/ws", ["/cfg"]), {
    read: ["/"],
    write: ["/"],
    hidden: ["/cfg"],
  });
});

Deno.test("read-only removes every write root, and contradicts a write grant", () => {
  const readOnly = mergePolicy(DEFAULT_POLICY, { readOnly: true });
  assert.deepEqual(fileAccess(readOnly, "/ws", []).write, []);
  assert.throws(
    () => mergePolicy(DEFAULT_POLICY, { write: ["/x"] }, { readOnly: true }),
    PolicyError,
  );
});
