/**
 * `node dist/main.js [epochs]`: trains the MLP on 8,000 real MNIST digits with SGD, SGD_GC, Adam
 * and Adam_GC2 (same initial weights, same batches) and prints the loss per epoch and the test
 * accuracy on 2,000 held-out digits.
 */
import { loadDigits } from '@gcopt/mnist-data';
import { COMPARISON, trainRun } from './train.js';

const epochs = Number(process.argv[2] ?? 3);
const data = loadDigits({ testCount: 2000 });
console.log(
  `MNIST: ${data.train.count} training digits, ${data.test.count} test digits; MLP 784-64-10, batch 64, ${epochs} ` +
    `epochs`,
);
const results = COMPARISON.map((config) => {
  const started = performance.now();
  const result = trainRun(config, data, {
    epochs,
    batchSize: 64,
    hidden: 64,
    seed: 1,
    onEpoch: (epoch, loss) => console.log(`  ${config.label.padEnd(9)} epoch ${epoch}: loss ${loss.toFixed(4)}`),
  });
  console.log(
    `${config.label.padEnd(9)} test accuracy ${(100 * result.testAccuracy).toFixed(2)}%  (${result.steps} steps, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return result;
});
console.log('\noptimizer  final loss  test accuracy');
for (const r of results)
  console.log(
    `${r.label.padEnd(10)} ${r.epochLosses.at(-1)!.toFixed(4).padStart(10)}  ` +
      `${(100 * r.testAccuracy).toFixed(2).padStart(12)}%`,
  );
