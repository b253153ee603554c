import cliProgress from 'cli-progress';
import type { EpochRecord, RunResult } from './experiment.js';

/** Progress of one training run. */
export interface RunProgress {
  batchDone(epoch: number, batch: number, loss: number): void;
  epochDone(record: EpochRecord): void;
  runDone(result: RunResult): void;
}

export interface ProgressReporter {
  /** Called once before the first run: how much work there is in all. */
  begin(totalRuns: number, epochs: number, batchesPerEpoch: number): void;
  startRun(label: string, epochs: number, batchesPerEpoch: number): RunProgress;
  finish(): void;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * A progress bar per run under an overall bar with the time left (cli-progress) when `stream` is a
 * terminal; plain lines otherwise (CI logs, pipes): one line per epoch, the time left after each run.
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stdout): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter((line) => stream.write(`${line}\n`));
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      fps: 10,
      format: ' {label} {bar} {percentage}% | ep {epoch}/{epochs} | loss {loss} | acc {acc} | {duration_formatted}',
      barsize: 12,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  // fits 80 columns with the longest label, 'AdamW_GC2 · seed 10'
  const labelWidth = 19;
  let overall: cliProgress.SingleBar | undefined;
  // Ctrl-C: leave the terminal as it was (cursor shown, bars finished) before exiting
  const onInterrupt = () => {
    multi.stop();
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  return {
    begin(totalRuns, epochs, batchesPerEpoch) {
      overall = multi.create(
        totalRuns * epochs * batchesPerEpoch,
        0,
        { label: `all ${totalRuns} runs`.padEnd(labelWidth) },
        { format: ' {label} {bar} {percentage}% | {eta_formatted} left' },
      );
    },
    startRun(label, epochs, batchesPerEpoch) {
      const bar = multi.create(epochs * batchesPerEpoch, 0, {
        label: label.padEnd(labelWidth),
        epoch: 1,
        epochs,
        loss: '  -   ',
        acc: '  -   ',
      });
      let smoothed = NaN;
      let acc = '  -   ';
      return {
        batchDone(epoch, batch, loss) {
          smoothed = Number.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
          bar.update((epoch - 1) * batchesPerEpoch + batch, { epoch, loss: smoothed.toFixed(4), acc });
          overall?.increment();
        },
        epochDone(record) {
          acc = pct(record.testAccuracy);
          bar.update({ acc, loss: record.trainLoss.toFixed(4) });
        },
        runDone() {
          bar.stop();
        },
      };
    },
    finish() {
      process.removeListener('SIGINT', onInterrupt);
      multi.stop();
    },
  };
}

/** Plain lines for logs: what a bar would show, once per epoch. */
export function lineReporter(write: (line: string) => void): ProgressReporter {
  let totalRuns = 0;
  let runsDone = 0;
  let started = 0;
  return {
    begin(runs) {
      totalRuns = runs;
      started = performance.now();
    },
    startRun(label, epochs, batchesPerEpoch) {
      write(`${label}: ${epochs} epoch(s) × ${batchesPerEpoch} batches`);
      return {
        batchDone() {},
        epochDone(r) {
          write(
            `${label}: epoch ${r.epoch}/${epochs}  train loss ${r.trainLoss.toFixed(4)}  test loss ` +
              `${r.testLoss.toFixed(4)}` +
              `  test acc ${pct(r.testAccuracy)}  ${r.elapsedSeconds.toFixed(1)}s`,
          );
        },
        runDone() {
          runsDone++;
          if (totalRuns > runsDone) {
            const left = ((performance.now() - started) / 1000 / runsDone) * (totalRuns - runsDone);
            write(
              `  ${runsDone}/${totalRuns} runs done, about ` +
                `${left < 90 ? `${Math.round(left)} s` : `${(left / 60).toFixed(1)} min`} left`,
            );
          }
        },
      };
    },
    finish() {},
  };
}
