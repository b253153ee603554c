import { GcoptError } from '@gcopt/core';

/**
 * Bytes or an object that are not a valid gcopt optimizer snapshot (wrong magic, unknown version,
 * truncated data, a missing or ill-typed field). `path` says where, e.g. `params[3].slots.exp_avg`.
 */
export class SnapshotFormatError extends GcoptError {
  override name = 'SnapshotFormatError';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`invalid optimizer snapshot: ${path ? `${path}: ` : ''}${problem}`);
  }
}

/**
 * A well-formed snapshot that does not belong to this optimizer and model (another optimizer kind,
 * other parameter names, shapes, dtypes or configuration). `loadState` changed nothing.
 */
export class SnapshotMismatchError extends GcoptError {
  override name = 'SnapshotMismatchError';
  constructor(readonly problems: readonly string[]) {
    super(`optimizer snapshot does not fit this optimizer (nothing was loaded):\n  - ${problems.join('\n  - ')}`);
  }
}
