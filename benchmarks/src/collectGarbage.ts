import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full garbage collection, so that a timed section starts from a collected heap instead of
 * inheriting the previous lines' garbage: in one process, after tfjs-wasm's ResNet-50 run, the next
 * paired rounds of the tfjs-layout step went from 1.27 to 1.68 × floor while V8 cleaned up on the same
 * two cores, and back to 1.28 after a collection. `--expose-gc` is switched on here (a context made
 * after that sees `gc`), so `pnpm bench` needs no flag. Returns false where the runtime refuses.
 */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
  return gc !== null;
}
