import type { Client } from "@scaleproof/client/trpc";
import type { CommandLine, OptionName } from "../args.ts";
import type { Output } from "../output.ts";

export interface Context {
  readonly client: Client;
  readonly out: Output;
  readonly values: CommandLine["values"];
  readonly positionals: readonly string[];
  /** The deployment's URL (--target). */
  readonly target: string;
}

/** One `scaleproof <command>`: the flags it takes besides --target/--token, and what it does. */
export interface Command {
  readonly options: readonly OptionName[];
  /** True when stdout carries data (the export with `-`): human output then goes to stderr. */
  readonly stdoutIsData?: (values: CommandLine["values"]) => boolean;
  /** Checks the arguments before anything is asked of the deployment. */
  readonly validate?: (values: CommandLine["values"], positionals: readonly string[]) => void;
  run(ctx: Context): Promise<number>;
}
