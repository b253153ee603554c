import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, Lookahead as coreLookahead, type LearningRate } from '@gcopt/core';
import { optimizerFromConfig } from './classRegistry.js';
import { checkAdapterTypes, GcOptimizer, type AdapterOptions } from './gcOptimizer.js';
import { CLASS_NAME_PREFIX } from './referenceOptimizers.js';

/** Options of the tfjs `Lookahead`: the inner optimizer, `k` and `alpha`. */
export interface LookaheadTfjsOptions extends Omit<AdapterOptions, 'learningRate'> {
  /** The inner optimizer (its learning rate is the one used), or its `{ className, config }`. */
  optimizer: GcOptimizer | { className: string; config: tf.serialization.ConfigDict };
  /** Default 5: sync after optimizer steps 1, k+1, 2k+1, … */
  k?: number;
  /** Default 0.5. */
  alpha?: number;
}

/**
 * `Lookahead(optimizer, k, alpha)` around any gcopt optimizer: the core's Lookahead of the inner
 * optimizer's core. Only the inner optimizer's hyper-parameters are used, not its state; the
 * variable rules are this wrapper's own.
 */
export class Lookahead extends GcOptimizer {
  static className = `${CLASS_NAME_PREFIX}Lookahead`;
  readonly inner: GcOptimizer;

  constructor(options: LookaheadTfjsOptions) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('options', options, 'must be an object', 'Lookahead');
    if ((options as { learningRate?: unknown }).learningRate !== undefined) {
      throw new InvalidArgumentError(
        'learningRate',
        (options as { learningRate?: unknown }).learningRate,
        'give the learning rate to the inner optimizer',
        'Lookahead',
      );
    }
    const known = [
      'optimizer',
      'k',
      'alpha',
      'variables',
      'layerDefaults',
      'checkFinite',
      'onWarning',
      'backend',
      'model',
      'customObjects',
    ];
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) {
        const value = (options as unknown as Record<string, unknown>)[key];
        throw new InvalidArgumentError(key, value, `unknown option; known: ${known.join(', ')}`, 'Lookahead');
      }
    }
    checkAdapterTypes('Lookahead', options as unknown as Record<string, unknown>);
    const inner = options.optimizer instanceof GcOptimizer ? options.optimizer : optimizerFromConfig(options.optimizer);
    if (inner instanceof Lookahead)
      throw new InvalidArgumentError(
        'optimizer',
        inner.getClassName(),
        'Lookahead of a Lookahead is not supported',
        'Lookahead',
      );
    const { k, alpha, onWarning } = options;
    super(
      (lr) => coreLookahead(inner.createCore(lr), { k, alpha, onWarning }),
      inner.family,
      options,
      inner.awaitsLearningRate,
    );
    this.inner = inner;
  }

  override setLearningRate(lr: LearningRate): void {
    this.inner.setLearningRate(lr);
    super.setLearningRate(lr);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const hyper = this.core.hyper as unknown as { k: number; alpha: number };
    return {
      optimizer: { className: this.inner.getClassName(), config: this.inner.getConfig() },
      k: hyper.k,
      alpha: hyper.alpha,
      ...this.adapterConfig(),
    };
  }
}
