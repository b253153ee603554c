import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A set of parameter tensors (PyTorch layout, output channel on axis 0) a step is measured on. */
export interface ParamSet {
  readonly name: string;
  readonly shapes: number[][];
  readonly size: number;
  /** Output-channel axis of each tensor (default: all 0, PyTorch layout). */
  readonly outAxes?: number[];
  /** The PyTorch-layout set this one transposes (its data are that set's, transposed). */
  readonly transposes?: ParamSet;
}

const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '../data');

function paramSet(name: string, shapes: number[][]): ParamSet {
  return { name, shapes, size: shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0) };
}

/** The 161 tensors of torchvision's ResNet-50 (25,557,032 parameters), from data/resnet50-shapes.json. */
export function resnet50(): ParamSet {
  const file = JSON.parse(readFileSync(join(DATA_DIR, 'resnet50-shapes.json'), 'utf8')) as {
    shapes: number[][];
    params: number;
  };
  const set = paramSet('resnet50', file.shapes);
  if (set.size !== file.params)
    throw new Error(`resnet50-shapes.json: shapes hold ${set.size} parameters, the file says ${file.params}`);
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
    [64, 3, 3, 3],
    [64],
    [64],
    [128, 64, 3, 3],
    [128],
    [128],
    [256, 128, 3, 3],
    [256],
    [256],
    [256, 256, 3, 3],
    [256],
    [256],
    [10, 256],
    [10],
    [35, 1024],
    [35],
  ]);
}

/**
 * The same tensors in tfjs layout (output axis last): a conv kernel [O, I, kh, kw] becomes
 * [kh, kw, I, O], a dense kernel [O, I] becomes [I, O], biases stay. Same data order as the set's
 * benchData, transposed (so every channel holds the same values and the same mean).
 */
export function tfjsLayout(set: ParamSet): ParamSet {
  const shapes = set.shapes.map((s) => (s.length === 4 ? [s[2], s[3], s[1], s[0]] : s.length === 2 ? [s[1], s[0]] : s));
  return {
    name: `${set.name}-tfjs`,
    shapes,
    size: set.size,
    outAxes: shapes.map((s) => s.length - 1),
    transposes: set,
  };
}
