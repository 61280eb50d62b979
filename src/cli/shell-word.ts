/**
 * A path as a POSIX shell reads it back as one word, for the commands the summary suggests (its
 * next: lines): pasted as printed, they name the same file. As it is when that is safe, else in
 * single quotes; a path with a control character (a newline) in ANSI-C quotes, `$'a\nb.db'`, as
 * bash, zsh and ksh read them (and POSIX.1-2024; Debian 12's dash not yet): in plain quotes the
 * command would span lines, and the summary's lines are one line each.
 */
export function shellWord(path: string): string {
  if (/^[\w./-]+$/.test(path)) return path;
  if (!/[\x00-\x1f\x7f]/.test(path)) return `'${path.replace(/'/g, `'\\''`)}'`;
  const body = path.replace(/[\x00-\x1f\x7f\\']/g, (c) => {
    if (c === '\\' || c === "'") return `\\${c}`;
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `$'${body}'`;
}
