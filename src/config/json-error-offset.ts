/**
 * Where strict JSON (RFC 8259) first goes wrong in `text`: V8 gives a position for most syntax
 * errors but not for an unexpected token ("Unexpected token 'x', "<the whole file>" is not valid
 * JSON"), which left a job file's most common slip, a stray character, without its line (QA).
 * A scanner of the grammar alone, run only after JSON.parse has failed.
 */
/** -1 when it cannot tell (nesting deeper than the stack). */
export function jsonErrorOffset(text: string): number {
  let at = 0;
  const ws = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const fail = (): never => {
    throw at;
  };
  const expect = (word: string) => {
    for (const c of word) {
      if (text[at] !== c) fail();
      at++;
    }
  };
  const digits = () => {
    if (!/[0-9]/.test(text[at] ?? '')) fail();
    while (/[0-9]/.test(text[at] ?? '')) at++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      const c = text[at];
      if (c === undefined || c < ' ') fail();
      if (c === '"') break;
      if (c === '\\') {
        at++;
        if (text[at] === 'u') {
          at++;
          for (let i = 0; i < 4; i++) if (!/[0-9a-fA-F]/.test(text[at] ?? '')) fail(); else at++;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[at] ?? 'x')) fail();
      }
      at++;
    }
    at++;
  };
  // Recursive: nesting deeper than the stack (a hostile file of 100,000 "[") gives no offset.
  const value = (): void => {
    ws();
    const c = text[at];
    if (c === '{') {
      at++;
      ws();
      if (text[at] === '}') return void at++;
      for (;;) {
        ws();
        string();
        ws();
        expect(':');
        value();
        ws();
        if (text[at] === ',') at++;
        else return expect('}');
      }
    }
    if (c === '[') {
      at++;
      ws();
      if (text[at] === ']') return void at++;
      for (;;) {
        value();
        ws();
        if (text[at] === ',') at++;
        else return expect(']');
      }
    }
    if (c === '"') return string();
    if (c === 't') return expect('true');
    if (c === 'f') return expect('false');
    if (c === 'n') return expect('null');
    if (c === '-' || /[0-9]/.test(c ?? '')) {
      if (c === '-') at++;
      if (text[at] === '0') at++;
      else digits();
      if (text[at] === '.') {
        at++;
        digits();
      }
      if (text[at] === 'e' || text[at] === 'E') {
        at++;
        if (text[at] === '+' || text[at] === '-') at++;
        digits();
      }
      return;
    }
    fail();
  };
  try {
    value();
    ws();
    if (at < text.length) fail();
  } catch (offset) {
    return typeof offset === 'number' ? offset : -1;
  }
  return text.length;
}
