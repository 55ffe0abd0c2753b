import assert from "node:assert/strict";
import { gitConfigRefusal } from "../../src/tools/git_guard.ts";

const WS = "/home/u/proj";

Deno.test("git's own folders and config files are refused wherever git would read them", () => {
  const refused = [
    `${WS}/.git/config`,
    `${WS}/.git`,
    `${WS}/sub/.git`,
    `${WS}/sub/.GIT/hooks/pre-commit`,
    `${WS}/.g\u200cit/config`,
    `${WS}/.gitconfig`,
    `${WS}/nested/.GitConfig`,
    `${WS}/.config/git/config`,
    `${WS}/.config/git/attributes`,
    `${WS}/HEAD`,
    `${WS}/config`,
    `${WS}/commondir`,
    "/home/u/HEAD",
    "/home/u/config",
  ];
  for (const path of refused) {
    assert.notEqual(gitConfigRefusal(WS, "/home/u", path), null, path);
  }
});

Deno.test("ordinary project files, also named like git's, are written", () => {
  const allowed = [
    `${WS}/src/main.ts`,
    `${WS}/config/database.yml`,
    `${WS}/sub/config`,
    `${WS}/sub/HEAD`,
    `${WS}/.gitignore`,
    `${WS}/.gitattributes`,
    `${WS}/docs/git/config.md`,
    `${WS}/objects/a.json`,
    `${WS}/refs/x`,
  ];
  for (const path of allowed) {
    assert.equal(gitConfigRefusal(WS, WS, path), null, path);
  }
});
