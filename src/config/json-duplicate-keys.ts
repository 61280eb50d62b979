/**
 * The first key that appears twice in one JSON object, with its line. JSON.parse keeps the last
 * silently (`"maxPages": 2, "maxPages": 1` ran with 1), while a job file in YAML refuses a
 * repeated key: the two formats refuse the same mistakes. Called on text JSON.parse accepted, so
 * it only has to find tokens, not check them; linear in the text.
 */
const STRING = /"(?:[^"\\]|\\.)*"/y;

export function findDuplicateKey(json: string): { key: string; line: number } | null {
  // Per open container: the keys seen (objects) or null (arrays); and whether a key comes next.
  const stack: Array<Set<string> | null> = [];
  let isKeyNext = false;
  let line = 1;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '\n') line++;
    else if (c === '{') {
      stack.push(new Set());
      isKeyNext = true;
    } else if (c === '[') {
      stack.push(null);
      isKeyNext = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      isKeyNext = false;
    } else if (c === ',') {
      isKeyNext = stack.at(-1) instanceof Set;
    } else if (c === '"') {
      STRING.lastIndex = i;
      const token = STRING.exec(json)?.[0] ?? '"';
      const keys = stack.at(-1);
      if (isKeyNext && keys instanceof Set) {
        const key = JSON.parse(token) as string;
        if (keys.has(key)) return { key, line };
        keys.add(key);
        isKeyNext = false;
      }
      i += token.length - 1;
    }
  }
  return null;
}
