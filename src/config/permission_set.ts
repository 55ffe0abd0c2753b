/**
 * The Deno permissions Pixir runs with: the "pixir" set in deno.json, the one source of truth that
 * `scripts/pixir`, the end-to-end tests and the compiled binary (`--permission-set=pixir`) share.
 */

import denoJson from "../../deno.json" with { type: "json" };

/** The kinds of Deno permission. */
export type PermissionName = "read" | "write" | "net" | "env" | "sys" | "run" | "ffi" | "import";

/** Every kind of Deno permission, in the order reports list them. */
export const PERMISSION_NAMES: readonly PermissionName[] = [
  "read",
  "write",
  "net",
  "env",
  "sys",
  "run",
  "ffi",
  "import",
];

/** One permission in a set: granted whole (`true`) or for the listed scopes only. */
export type Grant = true | readonly string[];

/** A named permission set as deno.json declares it; absent kinds are not granted. */
export type PermissionSet = Readonly<Partial<Record<PermissionName, Grant>>>;

/** Validates a permission set read from deno.json. */
export function parsePermissionSet(value: unknown): PermissionSet {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("a permission set must be an object");
  }
  const set: Partial<Record<PermissionName, Grant>> = {};
  for (const [name, grant] of Object.entries(value)) {
    const kind = PERMISSION_NAMES.find((known) => known === name);
    if (kind === undefined) throw new Error(`unknown permission "${name}"`);
    if (grant === true) set[kind] = true;
    else if (Array.isArray(grant) && grant.every((scope) => typeof scope === "string")) {
      set[kind] = grant;
    } else if (grant !== false) {
      throw new Error(`permission "${name}" must be true, false or a list`);
    }
  }
  return set;
}

/** The set Pixir is built and run with. */
export const PIXIR_PERMISSIONS: PermissionSet = parsePermissionSet(denoJson.permissions.pixir);

/** The descriptors that ask whether `grant` of `name` is held: the whole kind, or each scope. */
export function descriptorsFor(name: PermissionName, grant: Grant): Deno.PermissionDescriptor[] {
  if (grant === true) return [{ name }];
  return grant.map((scope) => scopedDescriptor(name, scope));
}

function scopedDescriptor(name: PermissionName, scope: string): Deno.PermissionDescriptor {
  switch (name) {
    case "read":
    case "write":
    case "ffi":
      return { name, path: scope };
    case "net":
    case "import":
      return { name, host: scope };
    case "env":
      return { name, variable: scope };
    case "run":
      return { name, command: scope };
    case "sys":
      // deno.json names sys APIs by the function names Deno.permissions accepts as kinds.
      return { name, kind: scope as Deno.SysPermissionDescriptor["kind"] };
  }
}
