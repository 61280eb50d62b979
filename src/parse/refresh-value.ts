/**
 * Whether a Refresh header's or a meta refresh's content is one a browser acts on (a reload or a
 * redirect): a delay (digits, or a fraction such as ".5"), then the end or a separator. "url=/a"
 * alone and "5x; url=/a" are no refresh in the HTML standard's shared declarative refresh steps,
 * nor in Chromium's parser, and a later `<meta>` refresh still applies after such a one.
 */
const REFRESH_VALUE = /^[\t\n\f\r ]*[\d.]+(?:$|[;,\t\n\f\r ])/;

export function isRefreshValue(content: string): boolean {
  return REFRESH_VALUE.test(content);
}
