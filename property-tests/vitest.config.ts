import { mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

// The shared settings, plus a global setup that prints the total number of generated cases checked.
export default mergeConfig(shared, { test: { globalSetup: ['./test/summary.ts'] } });
