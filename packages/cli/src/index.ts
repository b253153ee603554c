export { main } from './main.js';
export { runReplay, type ReplaySummary } from './replayCommand.js';
