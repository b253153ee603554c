import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';

/**
 * Every `@example` in the optimizers' doc comments runs here, and each `console.log(…) // prints: X`
 * line must print exactly X: the examples in the API docs are code that works, with its real output.
 * `GCOPT_UPDATE_DOC_EXAMPLES=1` rewrites the `// prints:` comments from what the examples print (then
 * read the diff: the printed numbers are the claim).
 */
const SRC = join(dirname(fileURLToPath(import.meta.url)), '../src/optimizers');
const UPDATE = process.env.GCOPT_UPDATE_DOC_EXAMPLES === '1';

interface Example {
  file: string;
  /** The symbol the doc comment belongs to. */
  symbol: string;
  /** The example's code, comment markers removed. */
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function examplesIn(file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const found: Example[] = [];
  for (const m of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*export (?:const|function) (\w+)/g)) {
    const comment = m[1].replace(/^[ \t]*\* ?/gm, '');
    for (const block of comment.matchAll(/@example\s*```ts\n([\s\S]*?)```/g)) {
      found.push({ file, symbol: m[2], code: block[1] });
    }
  }
  return found;
}

/** Runs an example (plain JavaScript apart from its imports) with `@gcopt/core` and `ndarray` provided. */
async function run(code: string): Promise<string[]> {
  const body = code
    .replace(/^import ndarray from 'ndarray';$/m, '')
    .replace(/^import \{([^}]*)\} from '@gcopt\/core';$/m, 'const {$1} = core;');
  if (/^import /m.test(body)) throw new Error(`an example may import only ndarray and @gcopt/core:\n${code}`);
  const printed: string[] = [];
  const consoleStub = { log: (...args: unknown[]) => printed.push(format(...args)) };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  await new AsyncFunction('core', 'ndarray', 'console', body)(core, ndarray, consoleStub);
  return printed;
}

const expectedPrints = (code: string) => [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]);

const examples = sourceFiles(SRC).flatMap(examplesIn);

describe('doc-comment examples of the optimizers', () => {
  it('every exported optimizer factory has a runnable example', () => {
    const documented = new Set(examples.map((e) => e.symbol));
    const factories = Object.keys(core).filter((name) => {
      const f = (core as Record<string, unknown>)[name];
      return typeof f === 'function' && core.referenceOptimizers.some((r) => r.create === f);
    });
    const missing = [...factories, 'AdamW_FirstRelease', 'Lookahead'].filter((name) => !documented.has(name));
    expect(factories.length).toBeGreaterThanOrEqual(20);
    expect(missing).toEqual([]);
  });

  for (const example of examples) {
    it(`${example.symbol} (${relative(SRC, example.file)})`, async () => {
      const expected = expectedPrints(example.code);
      expect(expected.length, 'an example shows its output with `// prints:`').toBeGreaterThan(0);
      const printed = await run(example.code);
      if (UPDATE) {
        // the doc comment right above `export … <symbol>`: its `// prints:` lines take the printed text
        const file = readFileSync(example.file, 'utf8');
        const end = file.search(new RegExp(`export (?:const|function) ${example.symbol}\\b`));
        const start = file.lastIndexOf('/**', end);
        let i = 0;
        const comment = file.slice(start, end).replace(/\/\/ prints: .*$/gm, () => `// prints: ${printed[i++]}`);
        writeFileSync(example.file, file.slice(0, start) + comment + file.slice(end));
        return;
      }
      expect(printed).toEqual(expected);
    });
  }
});
