/**
 * The one place backends register for the suite: every property runs against each entry.
 * To add a backend: write an adapter (a `Backend`, see src/backend.ts and src/backends/core.ts) and
 * append it here.
 */
import { coreBackend, type Backend } from '../src/index.js';

export const backends: readonly Backend[] = [coreBackend];
