// One Pixir process wanting fresh tokens: says "started", calls ensureFreshTokens on the config
// folder Deno.args[0] with the real clock and network, and prints the outcome as one JSON line.
import { authFileLocation } from "../../../src/auth/auth_file.ts";
import { ensureFreshTokens } from "../../../src/auth/refresh.ts";

await Deno.stdout.write(new TextEncoder().encode("started\n"));
const outcome = await ensureFreshTokens({
  location: authFileLocation(Deno.args[0]),
  fetch,
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}).then(
  (login) => ({ access_token: login.tokens.access_token }),
  (error) => ({
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  }),
);
await Deno.stdout.write(new TextEncoder().encode(`${JSON.stringify(outcome)}\n`));
