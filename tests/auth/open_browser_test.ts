import assert from "node:assert/strict";
import { browserCommand, openBrowser, spawnDetached } from "../../src/auth/open_browser.ts";

const URL_WITH_QUERY = "https://auth.example/oauth/authorize?a=1&b=2";

Deno.test("each platform gets its opener, with the URL as one argument", () => {
  assert.deepEqual(browserCommand(URL_WITH_QUERY, "darwin"), {
    command: "open",
    args: [URL_WITH_QUERY],
  });
  assert.deepEqual(browserCommand(URL_WITH_QUERY, "linux"), {
    command: "xdg-open",
    args: [URL_WITH_QUERY],
  });
  assert.deepEqual(browserCommand(URL_WITH_QUERY, "freebsd"), {
    command: "xdg-open",
    args: [URL_WITH_QUERY],
  });
  assert.deepEqual(browserCommand(URL_WITH_QUERY, "windows"), {
    command: "rundll32",
    args: ["url.dll,FileProtocolHandler", URL_WITH_QUERY],
  });
});

Deno.test("openBrowser runs the platform's opener and reports that it did", () => {
  const calls: [string, readonly string[]][] = [];
  const opened = openBrowser(URL_WITH_QUERY, {
    os: "darwin",
    spawn: (command, args) => {
      calls.push([command, args]);
      return true;
    },
  });
  assert.equal(opened, true);
  assert.deepEqual(calls, [["open", [URL_WITH_QUERY]]]);
});

Deno.test("openBrowser reports false when the opener could not start, or threw", () => {
  assert.equal(openBrowser(URL_WITH_QUERY, { os: "linux", spawn: () => false }), false);
  const throwing = () => {
    throw new Error("no such program");
  };
  assert.equal(openBrowser(URL_WITH_QUERY, { os: "linux", spawn: throwing }), false);
});

Deno.test("spawnDetached reports false for a program that does not exist", () => {
  assert.equal(spawnDetached("pixir-no-such-browser-opener", [URL_WITH_QUERY]), false);
});

Deno.test({
  name: "spawnDetached starts the program with the URL as one untouched argument",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const marker = `${dir}/argument`;
      const script = 'printf "%s" "$1" > "$0.tmp" && mv "$0.tmp" "$0"';
      assert.equal(spawnDetached("sh", ["-c", script, marker, URL_WITH_QUERY]), true);
      // Detached: nothing to await, so wait for the file the child renames into place.
      let written: string | undefined;
      for (let attempt = 0; attempt < 250 && written === undefined; attempt++) {
        written = await Deno.readTextFile(marker).catch(() => undefined);
        if (written === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(written, URL_WITH_QUERY);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
