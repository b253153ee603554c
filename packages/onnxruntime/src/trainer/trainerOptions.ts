/**
 * Option objects are checked before anything runs: an unknown name (a typo such as `batchsize`) or
 * a value of the wrong type is an error naming it, never silently ignored.
 */
export function checkOptions(where: string, options: unknown, types: Record<string, string>): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(
      `${where}: expected an options object, got ` +
        (options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options),
    );
  }
  for (const [key, value] of Object.entries(options)) {
    const expected = types[key];
    if (expected === undefined)
      throw new TypeError(`${where}: unknown option '${key}'; known: ${Object.keys(types).join(', ')}`);
    if (value === undefined) continue;
    const ok =
      expected === 'Uint8Array'
        ? value instanceof Uint8Array
        : expected === 'object'
          ? value !== null && typeof value === 'object' && !Array.isArray(value)
          : expected === 'any' || typeof value === expected;
    if (!ok)
      throw new TypeError(
        `${where}: option '${key}' must be ${article(expected)} ${expected}, got ${describeValue(value)}`,
      );
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a'; // 'a Uint8Array', 'an object'
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value;
}
