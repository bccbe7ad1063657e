import type { CommandInfo } from "./command.ts";
import { COMMAND_MODULES } from "./commands.ts";

/**
 * The command table without its functions, in the order of COMMAND_MODULES.
 * cli.ts imports this as a Bun macro: the bundler (and Bun's transpiler for
 * tests) runs it and writes its answer in as a literal, so help, completion
 * and usage errors load no command's module (nor the AWS SDK and the rest
 * behind them); only running a command does.
 */
export async function commandTable(): Promise<CommandInfo[]> {
  const commands = await Promise.all(COMMAND_MODULES.map((load) => load()));
  return commands.map(({ toOptions: _toOptions, run: _run, ...info }) => info);
}
