#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo.js';
import { DemoUsageError, parseDemoOptions, usage } from './options.js';

/** `pnpm demo` entry: the output folder defaults to demo/out next to this package. */
const defaultOut = fileURLToPath(new URL('../out', import.meta.url));

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseDemoOptions(argv, defaultOut);
  } catch (e) {
    if (e instanceof DemoUsageError) {
      console.error(`${e.message}\n\n${usage(defaultOut)}`);
      return 2;
    }
    throw e;
  }
  if (options.help) {
    console.log(usage(defaultOut));
    return 0;
  }
  await runDemo(options);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
