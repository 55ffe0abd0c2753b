/** Pixir's version, stamped from deno.json so the source and the compiled binary agree. */

import denoJson from "../deno.json" with { type: "json" };

/** The running Pixir version. */
export const VERSION: string = denoJson.version;
