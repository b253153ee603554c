import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@gcopt/core';
import type { GcOptimizer } from './gcOptimizer.js';

type GcOptimizerClass = tf.serialization.SerializableConstructor<GcOptimizer> & { className: string };

const byName = new Map<string, GcOptimizerClass>();

/**
 * tfjs-layers camel-cases every string of a saved training config, the class name included
 * (`gcopt/Adam_GC2` comes back as `gcopt/AdamGC2`), so a class is known under both spellings.
 */
export function camelCasedName(className: string): string {
  return className.replace(/_+(\w|$)/g, (_, c: string) => c.toUpperCase());
}

/**
 * Registers a class with tfjs serialization (`tf.serialization.registerClass`, so model.save /
 * loadLayersModel find it) under its className and its camel-cased spelling.
 */
export function registerGcoptClass(cls: GcOptimizerClass): void {
  tf.serialization.registerClass(cls);
  const alias = camelCasedName(cls.className);
  if (alias !== cls.className)
    tf.serialization.SerializationMap.getMap().classNameMap[alias] = [
      cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
      cls.fromConfig as unknown as tf.serialization.FromConfigMethod<tf.serialization.Serializable>,
    ];
  byName.set(cls.className, cls);
  byName.set(alias, cls);
}

/** Rebuilds a gcopt optimizer from `{ className, config }` (as getConfig / tfjs-layers write it). */
export function optimizerFromConfig(serialized: unknown): GcOptimizer {
  const s = serialized as { className?: unknown; config?: unknown } | null;
  const cls = typeof s?.className === 'string' ? byName.get(s.className) : undefined;
  if (!cls || typeof s?.config !== 'object' || s.config === null) {
    throw new InvalidArgumentError(
      'optimizer',
      serialized,
      `expected { className, config } of a gcopt optimizer; known: ${[...byName.keys()].join(', ')}`,
    );
  }
  return cls.fromConfig(cls, s.config as tf.serialization.ConfigDict);
}
