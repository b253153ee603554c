import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/provision-python.sh', import.meta.url));

/**
 * A Python that imports `modules` (scripts/provision-python.sh: /usr/bin/python3, with Debian's
 * python3-<module> packages installed when missing and this machine allows it), or null, with the
 * reason printed, where none can be had — the tests that need it are then reported as skipped.
 */
export function pythonWith(...modules: string[]): string | null {
  const out = spawnSync('sh', [script, ...modules], { encoding: 'utf8', timeout: 900_000 });
  if (out.status === 0) return out.stdout.trim();
  console.warn(`python with ${modules.join(', ')}: ${out.stderr.trim() || `exit ${out.status}`}; tests skipped`);
  return null;
}
