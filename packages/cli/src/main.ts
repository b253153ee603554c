import { UsageError } from './args.js';
import { REPLAY_USAGE, runReplay } from './replayCommand.js';

const USAGE = `gcopt — Gradient Centralization optimizers

commands:
  gcopt replay --golden FILE|DIR [--inputs FILE] [--mode in-place|pure] [--json]
      check gcopt against recorded PyTorch optimizer trajectories (gc-golden/1)

${REPLAY_USAGE}`;

/** Runs the CLI and returns the exit code (0 = success, 1 = a check failed, 2 = usage error). */
export async function main(argv: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'replay') return runReplay(rest, out);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      out(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${command}'\n\n${USAGE}`);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}
