import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A set of parameter tensors (PyTorch layout, output channel on axis 0) a step is measured on. */
export interface ParamSet {
  readonly name: string;
  readonly shapes: number[][];
  readonly size: number;
}

const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '../data');

function paramSet(name: string, shapes: number[][]): ParamSet {
  return { name, shapes, size: shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0) };
}

/** The 161 tensors of torchvision's ResNet-50 (25,557,032 parameters), from data/resnet50-shapes.json. */
export function resnet50(): ParamSet {
  const file = JSON.parse(readFileSync(join(DATA_DIR, 'resnet50-shapes.json'), 'utf8')) as { shapes: number[][]; params: number };
  const set = paramSet('resnet50', file.shapes);
  if (set.size !== file.params) throw new Error(`resnet50-shapes.json: shapes hold ${set.size} parameters, the file says ${file.params}`);
  return set;
}

/**
 * About 100M parameters in large layers: 24 blocks of a [4096, 1024] weight, a [1024, 4096]
 * weight and their biases, like a wide transformer MLP (100,724,736 parameters).
 */
export function large100M(): ParamSet {
  const shapes: number[][] = [];
  for (let b = 0; b < 12; b++) shapes.push([4096, 1024], [4096], [1024, 4096], [1024]);
  return paramSet('100M', shapes);
}

/** About 1M parameters: a small convnet and classifier (1,000,090 parameters). */
export function small1M(): ParamSet {
  return paramSet('1M', [
    [64, 3, 3, 3], [64], [64], [128, 64, 3, 3], [128], [128], [256, 128, 3, 3], [256], [256],
    [256, 256, 3, 3], [256], [256], [10, 256], [10], [35, 1024], [35],
  ]);
}
