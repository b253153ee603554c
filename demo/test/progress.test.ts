import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter, lineReporter, type EpochRecord, type RunResult } from '../src/index.js';

const record = (epoch: number): EpochRecord => ({
  epoch,
  trainLoss: 0.5 / epoch,
  testLoss: 0.4 / epoch,
  testAccuracy: 0.9 + epoch / 100,
  elapsedSeconds: epoch,
});
const result = { optimizer: 'SGD_GC', seed: 1 } as RunResult;

function simulate(reporter: ReturnType<typeof lineReporter>, runs: number): void {
  reporter.begin(runs, 2, 3);
  for (let r = 0; r < runs; r++) {
    const bar = reporter.startRun(`SGD_GC · seed ${r + 1}`, 2, 3);
    for (let e = 1; e <= 2; e++) {
      for (let b = 1; b <= 3; b++) bar.batchDone(e, b, 1 / (e * b));
      bar.epochDone(record(e));
    }
    bar.runDone(result);
  }
  reporter.finish();
}

describe('progress', () => {
  it('off a terminal: one plain line per epoch and the runs left, no escape codes', () => {
    const lines: string[] = [];
    simulate(
      lineReporter((l) => lines.push(l)),
      2,
    );
    expect(lines).toEqual([
      'SGD_GC · seed 1: 2 epoch(s) × 3 batches',
      'SGD_GC · seed 1: epoch 1/2  train loss 0.5000  test loss 0.4000  test acc 91.00%  1.0s',
      'SGD_GC · seed 1: epoch 2/2  train loss 0.2500  test loss 0.2000  test acc 92.00%  2.0s',
      expect.stringMatching(/^ {2}1\/2 runs done, about \d+ s left$/),
      'SGD_GC · seed 2: 2 epoch(s) × 3 batches',
      'SGD_GC · seed 2: epoch 1/2  train loss 0.5000  test loss 0.4000  test acc 91.00%  1.0s',
      'SGD_GC · seed 2: epoch 2/2  train loss 0.2500  test loss 0.2000  test acc 92.00%  2.0s',
    ]);
  });

  it('on a terminal: cli-progress bars, an overall one and one per run, each reaching 100%', () => {
    let written = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        written += String(chunk);
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    Object.assign(stream, {
      isTTY: true,
      columns: 80,
      cursorTo: () => true,
      moveCursor: () => true,
      clearLine: () => true,
      clearScreenDown: () => true,
    });
    const listenersBefore = process.listenerCount('SIGINT');
    simulate(createProgressReporter(stream), 2);
    expect(process.listenerCount('SIGINT')).toBe(listenersBefore);
    expect(written).toContain('all 2 runs');
    expect(written).toMatch(/SGD_GC · seed 2 +█+ 100% \| ep 2\/2 \| loss 0\.2500 \| acc 92\.00%/);
    expect(written).toMatch(/all 2 runs +█+ 100%/);
  });
});
