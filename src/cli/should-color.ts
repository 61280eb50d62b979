/**
 * Whether a stream gets ANSI styling: the progress view's colours and search's bold words alike.
 * https://no-color.org: NO_COLOR set to anything but '' turns it off; so does TERM=dumb, a
 * terminal that shows escape sequences as text (search printed them there, QA).
 */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}
