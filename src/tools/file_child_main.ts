/**
 * Entry point of the file tools' child when Pixir runs from source (`deno run`): the child's Deno
 * may read only the granted roots, so it starts here rather than through `main.ts`, whose
 * dispatcher is imported by a computed name that Deno checks against those permissions.
 */

import { serveFileTools } from "./file_child.ts";

if (import.meta.main) Deno.exit(await serveFileTools());
