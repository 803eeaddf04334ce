/**
 * Runs a CLI's main: exits with its code; bad input (InputError) prints just its message and
 * exits with `inputErrorExitCode` (1 unless the CLI documents another, e.g. eval's 2); anything
 * else is an internal error and prints the stack too.
 */
import { describeError, isInputError } from '../../src/core/errors.ts';

export function runCli(main: () => Promise<number>, opts: { inputErrorExitCode?: number } = {}): void {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(isInputError(e) ? `error: ${e.message}` : describeError(e));
      if (!isInputError(e)) console.error((e as Error).stack);
      process.exit(isInputError(e) ? (opts.inputErrorExitCode ?? 1) : 1);
    },
  );
}
