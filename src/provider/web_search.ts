/** The hosted web search tool's calls and citations, said in a few words for people. */

import type { UrlCitation } from "./item.ts";

/**
 * What a web search call did, from its `action`: the query of a search, the page it opened, the
 * text it looked for in a page; the action's type for anything else.
 */
export function describeSearchAction(action: Readonly<Record<string, unknown>>): string {
  const text = (key: string) => typeof action[key] === "string" ? action[key] as string : undefined;
  const queries = Array.isArray(action.queries)
    ? action.queries.filter((q): q is string => typeof q === "string")
    : [];
  switch (action.type) {
    case "search": {
      const query = text("query") ?? queries.join("; ");
      return query === "" ? "search" : `search "${query}"`;
    }
    case "open_page":
      return `open ${text("url") ?? "a page"}`;
    case "find_in_page":
      return `find "${text("pattern") ?? ""}" in ${text("url") ?? "a page"}`;
    default:
      return typeof action.type === "string" ? action.type : "web search";
  }
}

/** The distinct cited pages, in order of first citation: one footnote each. */
export function citedPages(citations: readonly UrlCitation[]): UrlCitation[] {
  const seen = new Set<string>();
  return citations.filter((citation) => !seen.has(citation.url) && seen.add(citation.url));
}

/** The footnotes of an answer: `[n] title <url>`, one per cited page. */
export function footnotes(citations: readonly UrlCitation[]): string[] {
  return citedPages(citations).map((page, index) =>
    page.title === page.url
      ? `[${index + 1}] ${page.url}`
      : `[${index + 1}] ${page.title} <${page.url}>`
  );
}
