export { main } from './main.js';
export { runReplay, replayFiles, type ReplaySummary, type ReplayOutcome, type ReplaySettings } from './replayCommand.js';
export { BACKEND_NAMES, loadBackend, BackendUnavailableError, type BackendName, type BackendOptions, type LoadedBackend } from './backends/index.js';
