import assert from "node:assert/strict";
import { NoHomeError, pixirPaths } from "../../src/config/paths.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("PIXIR_HOME holds config, data and sessions in one folder", () => {
  const paths = pixirPaths({ env: envOf({ PIXIR_HOME: "/p" }), os: "linux", home: "/home/u" });
  assert.deepEqual(paths, { configDir: "/p", dataDir: "/p", sessionsDir: "/p/sessions" });
});

Deno.test("Linux follows XDG, with ~/.config and ~/.local/share as fallbacks", () => {
  assert.deepEqual(pixirPaths({ env: envOf({}), os: "linux", home: "/home/u" }), {
    configDir: "/home/u/.config/pixir",
    dataDir: "/home/u/.local/share/pixir",
    sessionsDir: "/home/u/.local/share/pixir/sessions",
  });
  const xdg = envOf({ XDG_CONFIG_HOME: "/xc", XDG_DATA_HOME: "/xd" });
  assert.deepEqual(pixirPaths({ env: xdg, os: "linux", home: "/home/u" }), {
    configDir: "/xc/pixir",
    dataDir: "/xd/pixir",
    sessionsDir: "/xd/pixir/sessions",
  });
});

Deno.test("macOS uses Application Support", () => {
  const paths = pixirPaths({ env: envOf({}), os: "darwin", home: "/Users/u" });
  assert.equal(paths.configDir, "/Users/u/Library/Application Support/pixir");
  assert.equal(paths.sessionsDir, "/Users/u/Library/Application Support/pixir/sessions");
});

Deno.test("Windows uses APPDATA for config and LOCALAPPDATA for data", () => {
  const env = envOf({ APPDATA: "C:/Users/u/AppData/Roaming", LOCALAPPDATA: "C:/L" });
  const paths = pixirPaths({ env, os: "windows", home: "C:/Users/u" });
  assert.equal(paths.configDir, "C:/Users/u/AppData/Roaming/pixir");
  assert.equal(paths.dataDir, "C:/L/pixir");
});

Deno.test("an empty PIXIR_HOME is ignored, and no home at all is a clear error", () => {
  const paths = pixirPaths({ env: envOf({ PIXIR_HOME: " " }), os: "linux", home: "/h" });
  assert.equal(paths.dataDir, "/h/.local/share/pixir");
  assert.throws(() => pixirPaths({ env: envOf({}), os: "linux", home: undefined }), NoHomeError);
});
