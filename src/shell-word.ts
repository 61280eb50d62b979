/**
 * A path as a POSIX shell reads it back as one word, for the commands crawlite suggests (the
 * summary's next: lines, an error's way out): pasted as printed, they name the same file. As it is
 * when that is safe, else in single quotes. A path with a control character (a newline) is written
 * `"$(printf 'a\nb.db')"`: in plain quotes the command would span lines, and the lines are one
 * line each. It was `$'a\nb.db'` (ANSI-C quotes), which bash, zsh and ksh read but dash, Debian's
 * and Ubuntu's /bin/sh, takes as `$` followed by the quoted text, a path that is not the file (QA).
 * printf's format escapes (\n, \\, %%, \ooo) are POSIX and read alike by dash's, bash's and
 * zsh's. Command substitution drops trailing newlines, so only a path ending in one keeps `$'...'`,
 * the one spelling that holds it in one word on one line.
 */
export function shellWord(path: string): string {
  if (/^[\w./-]+$/.test(path)) return path;
  if (!/[\x00-\x1f\x7f]/.test(path)) return singleQuoted(path);
  if (path.endsWith('\n')) return ansiQuoted(path);
  // ! as \041: in double quotes an interactive bash would take it for a history expansion.
  const format = path.replace(/[\x00-\x1f\x7f\\%!]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '%') return '%%';
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
  });
  // `--`: a path starting with - is not taken for an option of bash's printf.
  return `"$(printf -- ${singleQuoted(format)})"`;
}

function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function ansiQuoted(path: string): string {
  const body = path.replace(/[\x00-\x1f\x7f\\']/g, (c) => {
    if (c === '\\' || c === "'") return `\\${c}`;
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `$'${body}'`;
}
