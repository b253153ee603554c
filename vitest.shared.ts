// Shared vitest settings: workspace packages resolve to their TypeScript sources (the "source"
// export condition), so tests never run against a stale dist/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
});
