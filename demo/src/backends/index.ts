import type { Backend } from '../backend.js';
import type { BackendName } from '../options.js';
import { createJsBackend } from './js/jsBackend.js';

/** Creates the backend named on the command line; adapters with native runtimes load lazily. */
export async function loadBackend(name: BackendName): Promise<Backend> {
  switch (name) {
    case 'js':
      return createJsBackend();
    case 'ort':
      return (await import('./ortBackend.js')).createOrtBackend();
    case 'tfjs':
      return (await import('./tfjsBackend.js')).createTfjsBackend();
  }
}
