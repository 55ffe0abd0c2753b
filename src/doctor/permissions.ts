/**
 * The permissions check of `pixir doctor`: every kind of Deno permission, granted or not, measured
 * against the set Pixir is built with. A needed permission that is missing is an error (the binary
 * never prompts, so the first use would fail); an unneeded one that is granted is a warning.
 */

import { check, type CheckResult } from "./check.ts";
import {
  descriptorsFor,
  PERMISSION_NAMES,
  type PermissionName,
  type PermissionSet,
} from "../config/permission_set.ts";

/** Asks the runtime about one permission (`Deno.permissions.query`, injected for tests). */
export type PermissionQuery = (
  descriptor: Deno.PermissionDescriptor,
) => Promise<Deno.PermissionState>;

/** One check per kind of Deno permission. */
export function permissionChecks(
  needed: PermissionSet,
  query: PermissionQuery,
): Promise<CheckResult[]> {
  return Promise.all(PERMISSION_NAMES.map((name) => permissionCheck(name, needed, query)));
}

async function permissionCheck(
  name: PermissionName,
  needed: PermissionSet,
  query: PermissionQuery,
): Promise<CheckResult> {
  const id = `permission.${name}`;
  const grant = needed[name];
  try {
    if (grant === undefined) {
      const state = await query({ name });
      return state === "granted"
        ? check(id, "permissions", "warn", "granted, though Pixir does not need it", {
          fix: "run Pixir with only its own permission set (the release binary, or scripts/pixir)",
          details: { needed: false, state },
        })
        : check(id, "permissions", "ok", "not granted (not needed)", {
          details: { needed: false, state },
        });
    }
    const descriptors = descriptorsFor(name, grant);
    const states = await Promise.all(descriptors.map(query));
    const missing = grant === true
      ? (states[0] === "granted" ? [] : ["all"])
      : grant.filter((_, index) => states[index] !== "granted");
    const details = { needed: grant, missing };
    if (missing.length === 0) {
      const summary = grant === true ? "granted" : `granted for ${grant.join(", ")}`;
      return check(id, "permissions", "ok", summary, { details });
    }
    return check(id, "permissions", "error", `not granted: ${missing.join(", ")}`, {
      fix:
        `run the release binary, or scripts/pixir from source; both grant the "pixir" set of deno.json`,
      details,
    });
  } catch (error) {
    return check(id, "permissions", "error", `could not be queried: ${messageOf(error)}`, {
      fix: "report this at https://github.com/pixir/pixir/issues",
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
