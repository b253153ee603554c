import { UsageError } from './args.js';
import { BackendUnavailableError } from './backends/index.js';
import { REPLAY_USAGE, runReplay } from './replayCommand.js';

const USAGE = `gcopt — Gradient Centralization optimizers

commands:
  gcopt replay --golden FILE|DIR [--backend B] [--layout first|last|middle] [--json] …
      check gcopt against recorded PyTorch optimizer trajectories (gc-golden/1)

${REPLAY_USAGE}`;

/**
 * Runs the CLI and returns the exit code: 0 success, 1 a check failed (or no case ran), 2 usage
 * error or a malformed file, 3 the backend is not available on this machine.
 */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = (l) => console.log(l),
  err: (line: string) => void = (l) => console.error(l),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'replay') return await runReplay(rest, out);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      out(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${command}'\n\n${USAGE}`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message);
      return 2;
    }
    if (e instanceof BackendUnavailableError) {
      err(`gcopt replay: backend not available here: ${e.message}`);
      return 3;
    }
    throw e;
  }
}
