import * as tf from '@tensorflow/tfjs-core';
import { GcoptError } from '@gcopt/core';

/** The model and this package do not share one `@tensorflow/tfjs-core`. */
export class DuplicateTfjsCoreError extends GcoptError {
  override name = 'DuplicateTfjsCoreError';
}

/**
 * Finds the variable a gradient belongs to, as tfjs's own optimizers do (by name, in the engine's
 * registry). tfjs-core keeps its engine on `globalThis`, so a second copy of the package finds the
 * variables of the first, but its classes are its own: a variable that is not an instance of *this*
 * copy's `tf.Variable` means two copies are loaded, and then `tf.serialization.registerClass`
 * registers into a map the user's tfjs-layers never reads. Say so instead of failing later.
 */
export function lookupVariable(name: string): tf.Variable {
  const found = tf.engine().registeredVariables[name] as unknown;
  if (found == null) {
    throw new GcoptError(
      `@gcopt/tfjs: no variable named '${name}' is registered with tfjs-core ${tf.version_core}. ` +
        'Gradients must be keyed by the names of tf.Variables (as model.fit and optimizer.minimize do).',
    );
  }
  // tfjs's `instanceof Variable` is duck-typed (true across copies): compare prototypes instead
  if (!Object.prototype.isPrototypeOf.call(tf.Variable.prototype, found)) {
    throw new DuplicateTfjsCoreError(
      `@gcopt/tfjs: variable '${name}' was made by another copy of @tensorflow/tfjs-core than the one @gcopt/tfjs ` +
        `imports (${tf.version_core}). Two copies break optimizer serialization and variable handling silently: ` +
        'install a single @tensorflow/tfjs-core (it is a peer dependency of @gcopt/tfjs; `npm ls ' +
        '@tensorflow/tfjs-core` ' +
        'shows the copies).',
    );
  }
  return found as tf.Variable;
}
