/**
 * What a user pastes when the browser's redirect never reaches the callback server (a remote
 * machine, a busy port): the authorization code, found in whichever shape it was copied.
 */

/** The code from a paste, or what is wrong with the paste, worded for the user. */
export type PastedCode = { ok: true; code: string } | { ok: false; problem: string };

/** The values a paste can carry. */
interface PastedFields {
  code?: string;
  state?: string;
  error?: string;
}

/**
 * Reads a full redirect URL, a query string with `code=`, `code#state`, or a bare code. When the
 * paste carries a state it must be `expectedState`, so a URL from another attempt is refused.
 */
export function parseRedirectInput(input: string, expectedState: string): PastedCode {
  const text = input.trim();
  if (text === "") return { ok: false, problem: "nothing was pasted" };
  const fields = pastedFields(text);
  if (fields.state !== undefined && fields.state !== expectedState) {
    return {
      ok: false,
      problem: "state mismatch: that URL belongs to another sign-in attempt; paste the one from " +
        "this attempt",
    };
  }
  if (fields.error !== undefined) {
    return { ok: false, problem: `the issuer refused the sign-in: ${fields.error}` };
  }
  if (!fields.code) return { ok: false, problem: "no authorization code found in the paste" };
  return { ok: true, code: fields.code };
}

function pastedFields(text: string): PastedFields {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      return queryFields(new URL(text).searchParams);
    } catch {
      // Not a URL after all: fall through to the other shapes.
    }
  }
  if (text.includes("code=")) {
    // A query copied with or without its `?`, or a URL whose scheme was lost in the copy.
    const query = text.includes("?") ? text.slice(text.indexOf("?") + 1) : text;
    return queryFields(new URLSearchParams(query));
  }
  const hash = text.indexOf("#");
  if (hash >= 0) return { code: text.slice(0, hash), state: text.slice(hash + 1) };
  return { code: text };
}

function queryFields(params: URLSearchParams): PastedFields {
  const error = params.get("error") ?? undefined;
  const description = params.get("error_description");
  return {
    code: params.get("code") ?? undefined,
    state: params.get("state") ?? undefined,
    error: error !== undefined && description ? `${error}: ${description}` : error,
  };
}
