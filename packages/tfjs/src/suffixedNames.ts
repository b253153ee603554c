/**
 * tfjs-layers makes every variable name unique in its process by appending `_N`: a layer `fc`
 * built a second time gets `fc/kernel_1`, and a model loaded next to its original gets the next
 * free suffix, while the same model loaded in a new process has none. Saved state and rules by
 * name look through that suffix.
 */
const UNIQUENESS_SUFFIX = /_\d+$/;

/** The name without one trailing `_N` (a name without one is its own base). */
export function withoutSuffix(name: string): string {
  return name.replace(UNIQUENESS_SUFFIX, '');
}

/** `name` is `base` or `base_N`: the variable tfjs-layers calls `base` in another build or process. */
export function isSuffixedCopy(name: string, base: string): boolean {
  return name === base || (name.startsWith(`${base}_`) && /^\d+$/.test(name.slice(base.length + 1)));
}

/**
 * The saved name that holds `name`'s state: the same name, else the first (in saved order) that
 * differs from it only by tfjs-layers' suffixes on either side (`fc/kernel_1` saved, `fc/kernel`
 * or `fc/kernel_2` loaded).
 */
export function findSavedName(
  saved: Iterable<string>,
  has: (key: string) => boolean,
  name: string,
): string | undefined {
  if (has(name)) return name;
  const base = withoutSuffix(name);
  for (const key of saved) if (key === base || withoutSuffix(key) === base || withoutSuffix(key) === name) return key;
  return undefined;
}
