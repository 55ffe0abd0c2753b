/** The tools that only touch files (everything but bash): the set the file-tool Worker runs. */

import type { Tool } from "./tool.ts";
import { editTool } from "./edit.ts";
import { findTool } from "./find.ts";
import { grepTool } from "./grep.ts";
import { lsTool } from "./ls.ts";
import { readTool } from "./read.ts";
import { writeTool } from "./write.ts";

/** read, write, edit, ls, find, grep. */
export const FILE_TOOLS: readonly Tool[] = [
  readTool,
  writeTool,
  editTool,
  lsTool,
  findTool,
  grepTool,
];
