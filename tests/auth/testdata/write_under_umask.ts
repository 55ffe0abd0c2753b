// Writes an API-key auth.json into the config folder Deno.args[0] under a restrictive umask (0277),
// which would leave folders 0500 and the file 0400 unless their modes are set explicitly.
import { authFileLocation, withAuthFile } from "../../../src/auth/auth_file.ts";

Deno.umask(0o277);
await withAuthFile(
  authFileLocation(Deno.args[0]),
  (file) => file.write({ method: "api_key", api_key: "sk-umask" }),
);
