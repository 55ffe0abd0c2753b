// deno-lint-ignore-file no-console
/**
 * The fixed bytes of a request: the instructions and the tool definitions every request carries,
 * whatever the conversation. Pixir runs from source against the loopback stand-in with every
 * feature on (web search, subagents, one skill, and whatever other tools the registry holds), and the first
 * request's body is measured as it was received; a child agent's request is measured beside it.
 * The goal is at most 10 KB; the exit code is 1 when a request is over.
 * Usage: scripts/deno task bench-bytes
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startResponsesServer } from "../../tests/fakes/responses_server.ts";
import { textAnswer, toolCallAnswer } from "../../tests/fakes/fixtures.ts";
import { FIXED_BYTES_LIMIT, type FixedBytes, fixedBytes } from "../../tests/fakes/request_size.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PIXIR = join(REPO, "scripts", "pixir");

const root = await Deno.makeTempDir({ prefix: "pixir-bench-bytes-" });
try {
  const home = join(root, "home");
  const workspace = join(root, "ws");
  await Deno.mkdir(home);
  await Deno.mkdir(workspace);
  // One skill, so the skills listing and the `skill` tool are measured too.
  const skill = join(workspace, ".agents", "skills", "release-notes");
  await Deno.mkdir(skill, { recursive: true });
  await Deno.writeTextFile(
    join(skill, "SKILL.md"),
    "---\nname: release-notes\ndescription: Writes release notes from the commits since the last tag.\n---\nSteps.\n",
  );
  const task = JSON.stringify({ description: "measure", prompt: "Say hi." });
  await using server = startResponsesServer({
    script: [
      { sse: toolCallAnswer({ name: "task", arguments: task, callId: "call_bench" }) },
      { sse: textAnswer("hi", { responseId: "resp_child" }) },
      { sse: textAnswer("done", { responseId: "resp_parent" }) },
    ],
  });
  const out = await new Deno.Command(PIXIR, {
    args: ["run", "--search", "--json", "hi"],
    cwd: workspace,
    env: { PIXIR_HOME: home, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-bench" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`pixir exited ${out.code}: ${new TextDecoder().decode(out.stderr)}`);
  }
  const [parent, child] = server.requests.map((request) => request.body as Record<string, unknown>);
  const measured = {
    "request (everything on)": fixedBytes(parent),
    "child agent's request": fixedBytes(child),
  };
  let over = false;
  for (const [what, bytes] of Object.entries(measured)) {
    report(what, bytes);
    over ||= bytes.total > FIXED_BYTES_LIMIT;
  }
  if (over) Deno.exitCode = 1;
} finally {
  await Deno.remove(root, { recursive: true });
}

function report(what: string, bytes: FixedBytes): void {
  const verdict = bytes.total <= FIXED_BYTES_LIMIT ? "ok" : "OVER";
  console.log(
    `${what}: ${bytes.total} fixed bytes (${(bytes.total / 1024).toFixed(1)} KB, goal ≤ ${
      FIXED_BYTES_LIMIT / 1024
    } KB: ${verdict})`,
  );
  console.log(`  instructions ${String(bytes.instructions).padStart(6)}`);
  for (const tool of bytes.tools) {
    console.log(`  ${tool.name.padEnd(12)} ${String(tool.bytes).padStart(6)}`);
  }
}
