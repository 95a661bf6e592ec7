/**
 * CloudWatch Logs term matching, for the patterns the guard writes: space-separated terms, each
 * optionally double-quoted, all of which must appear in the event (case-sensitive), except those
 * prefixed with `-`, none of which may appear. JSON, space-delimited, `?` (any term) and regex
 * patterns are not modelled; they throw.
 */
export function compileFilterPattern(pattern: string): (message: string) => boolean {
  const trimmed = pattern.trim();
  if (trimmed === '') {
    return () => true;
  }
  if (/^[{[%]/.test(trimmed) || /(^|\s)\?/.test(trimmed)) {
    throw new Error(`the simulation only models term patterns, got ${JSON.stringify(pattern)}`);
  }
  const required: string[] = [];
  const excluded: string[] = [];
  const re = /(-?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(trimmed)) !== null) {
    (m[1] === '-' ? excluded : required).push(m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]);
  }
  return (message) => required.every((t) => message.includes(t)) && !excluded.some((t) => message.includes(t));
}
