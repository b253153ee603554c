import type { Engine } from '../engine.js';
import type { EngineName } from '../options.js';
import { createJsEngine } from './js/jsEngine.js';

/** Creates the engine named on the command line; adapters with native runtimes load lazily. */
export async function loadEngine(name: EngineName): Promise<Engine> {
  switch (name) {
    case 'js':
      return createJsEngine();
    case 'ort':
      return (await import('./ortEngine.js')).createOrtEngine();
    case 'tfjs':
      return (await import('./tfjsEngine.js')).createTfjsEngine();
  }
}
