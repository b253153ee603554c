export { main } from './main.js';
export { runReplay, replayFiles } from './replayCommand.js';
export type { ReplaySummary, ReplayOutcome, ReplaySettings } from './replayCommand.js';
export { BACKEND_NAMES, loadBackend, BackendUnavailableError } from './backends/index.js';
export type { BackendName, BackendOptions, LoadedBackend } from './backends/index.js';
