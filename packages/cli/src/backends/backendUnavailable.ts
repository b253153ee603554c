/** The backend cannot run on this machine (a package or device is missing): `gcopt replay` exits 3. */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

/** Imports an optional package, or explains which package the backend needs. */
export async function importOptional<T>(specifier: string, backend: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as T;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new BackendUnavailableError(`${backend}: the package '${specifier}' cannot be loaded (${why})`);
  }
}
