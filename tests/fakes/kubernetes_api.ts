/**
 * A loopback stand-in of the Kubernetes API server, just enough for the holder job: Secrets in
 * namespaces, read and patched (JSON merge patch), every request authorized the way RBAC would
 * authorize it for one service account bound to one Role.
 */

/** One rule of a Role. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

/** A request as the fake saw it, with the RBAC attributes it was judged by. */
export interface ApiRequest {
  method: string;
  path: string;
  verb: string;
  resource: string;
  name: string | undefined;
  namespace: string | undefined;
  allowed: boolean;
  contentType: string | undefined;
}

/** A running fake API server. */
export interface FakeKubernetesApi extends AsyncDisposable {
  url: string;
  /** The bearer token of the service account the Role is bound to. */
  token: string;
  requests: readonly ApiRequest[];
  /** The Secret's `data` (base64 values), by `namespace/name`. */
  secret(namespace: string, name: string): Record<string, string> | undefined;
}

/** The RBAC verb of an HTTP method on a named object. */
function verbOf(method: string): string {
  return ({ GET: "get", PATCH: "patch", PUT: "update", DELETE: "delete", POST: "create" } as const)[
    method as "GET"
  ] ?? method.toLowerCase();
}

/** Whether `rules` allow `verb` on core-group `resource` named `name`. */
export function allows(
  rules: readonly PolicyRule[],
  verb: string,
  resource: string,
  name: string | undefined,
): boolean {
  return rules.some((rule) =>
    rule.apiGroups.includes("") && rule.resources.includes(resource) &&
    rule.verbs.includes(verb) &&
    (rule.resourceNames === undefined || (name !== undefined && rule.resourceNames.includes(name)))
  );
}

/**
 * Starts the fake on 127.0.0.1. `secrets` seeds `namespace/name` → data (base64 values); `rules` is
 * the Role bound to the one service account whose token the fake hands out.
 */
export function startKubernetesApi(
  rules: readonly PolicyRule[],
  secrets: Readonly<Record<string, Record<string, string>>>,
): FakeKubernetesApi {
  const token = `sa-token-${crypto.randomUUID()}`;
  const store = new Map(Object.entries(secrets).map(([k, v]) => [k, { ...v }]));
  const requests: ApiRequest[] = [];
  const status = (code: number, reason: string, message: string) =>
    Response.json({ kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code }, {
      status: code,
    });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const match = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/);
    const verb = verbOf(req.method);
    const entry: ApiRequest = {
      method: req.method,
      path,
      verb,
      resource: match?.[2] ?? "",
      name: match?.[3],
      namespace: match?.[1],
      allowed: false,
      contentType: req.headers.get("content-type") ?? undefined,
    };
    requests.push(entry);
    if (req.headers.get("authorization") !== `Bearer ${token}`) {
      return status(401, "Unauthorized", "Unauthorized");
    }
    if (!match || !allows(rules, verb, entry.resource, entry.name)) {
      return status(403, "Forbidden", `cannot ${verb} ${entry.resource} ${entry.name ?? ""}`);
    }
    entry.allowed = true;
    const key = `${match[1]}/${match[3]}`;
    const data = store.get(key);
    if (entry.resource !== "secrets" || data === undefined) {
      return status(404, "NotFound", `${entry.resource} "${entry.name}" not found`);
    }
    if (verb === "patch") {
      if (entry.contentType !== "application/merge-patch+json") {
        return status(415, "UnsupportedMediaType", `unsupported patch type ${entry.contentType}`);
      }
      const patch = await req.json();
      for (const [k, v] of Object.entries(patch?.data ?? {})) {
        if (typeof v !== "string") return status(400, "BadRequest", `data.${k} is not a string`);
        atob(v); // a value that is not base64 fails the request, as the API server does
        data[k] = v;
      }
    }
    return Response.json({ kind: "Secret", apiVersion: "v1", metadata: { name: match[3] }, data });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    token,
    requests,
    secret: (namespace, name) => store.get(`${namespace}/${name}`),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
