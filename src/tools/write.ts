/** The `write` tool: create or replace a whole file, atomically. */

import type { JsonSchema } from "../provider/request.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { validateArguments } from "./arguments.ts";
import { writeConfined } from "./confined_file.ts";
import { splitLines } from "./lines.ts";
import { formatBytes } from "./truncation.ts";
import { resolveForTool } from "./workspace.ts";

interface WriteArguments {
  path: string;
  content: string;
}

const parameters: JsonSchema = {
  type: "object",
  properties: {
    path: { type: "string", description: "File path, relative to the workspace root." },
    content: { type: "string", description: "The complete new content of the file." },
  },
  required: ["path", "content"],
  additionalProperties: false,
};

const description = [
  "Create a file, or replace an existing file's whole content, inside the workspace.",
  "Missing parent directories are created. The write is atomic and an existing file keeps its",
  "permissions. To change part of an existing file, prefer `edit`, which is safer and cheaper.",
].join(" ");

/** The `write` tool. */
export const writeTool: Tool = {
  name: "write",
  description,
  parameters,
  run: write,
};

async function write(args: unknown, ctx: ToolContext): Promise<ToolResult> {
  const validated = validateArguments<WriteArguments>(parameters, args);
  if (!validated.ok) return validated;
  const { path, content } = validated.value;
  const resolved = await resolveForTool(ctx, path, "write");
  if (!resolved.ok) return resolved;
  const written = await writeConfined(ctx, resolved, new TextEncoder().encode(content));
  if (!written.ok) return written;
  const lines = splitLines(content).length;
  const verb = written.created ? "Created" : "Overwrote";
  return {
    ok: true,
    output: `${verb} ${resolved.relative} (${formatBytes(written.bytes)}, ${lines} ${
      lines === 1 ? "line" : "lines"
    })`,
    details: {
      path: resolved.relative,
      created: written.created,
      bytes: written.bytes,
      sha256: written.sha256,
    },
  };
}
