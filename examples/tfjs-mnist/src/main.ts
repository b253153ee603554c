// node dist/main.js [--quick]  — MLP and CNN on real MNIST digits, tf.train.adam vs Adam_GC2.
import * as tf from '@tensorflow/tfjs';
import { compareOptimizers } from './compare.js';

const quick = process.argv.includes('--quick');
await tf.setBackend('cpu'); // the pure-JS backend: no native install; wasm has no Conv2D gradient
await compareOptimizers(quick ? { trainLimit: 1000, cnnTrainDigits: 500, epochs: { mlp: 2, cnn: 1 } } : {});
