#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `pnpm install` / `pnpm build`).
import { main } from '../dist/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
