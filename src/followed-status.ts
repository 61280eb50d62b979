/**
 * Whether the links (and meta refresh) of a page stored with this HTTP status are followed. A 2xx,
 * and a 3xx: a 3xx is stored as a page only when it is not a redirect the fetcher follows (no
 * Location, or 300, 304, 305), and then a browser, like curl -L, shows its body, whose links (a
 * "this page has moved to ..." page, a 300's list of choices) are the way on. An error page's
 * links are kept for the link graph only.
 */
export function isFollowedStatus(status: number): boolean {
  return status >= 200 && status < 400;
}
