#!/usr/bin/env node
import { isClientError } from "@scaleproof/client/trpc";
import { main } from "./cli.ts";
import { ArgumentError } from "./errors.ts";
import { EXIT } from "./exit.ts";

/**
 * `scaleproof`: the typed CLI over a deployment's ops API (see usage.ts, or --help).
 * Exit codes: 0 PASS, 1 FAIL, 2 error (bad arguments, unreachable, refused, aborted run,
 * Ctrl-C). A bad argument is one line on stderr naming the flag.
 */
/** ` (connect ECONNREFUSED 127.0.0.1:9)`: the innermost cause says what actually failed. */
const deepestCause = (error: Error): string => {
  let inner: unknown = error.cause;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  return inner instanceof Error ? ` (${inner.message})` : "";
};

const describe = (error: unknown): string[] => {
  if (error instanceof ArgumentError) return [`error: ${error.message}`];
  if (isClientError(error)) {
    const code = error.data?.code ?? "ERROR";
    const fields = (error.data as { fields?: { field: string; message: string }[] } | undefined)
      ?.fields;
    const cause = deepestCause(error);
    return [
      `error: ${code}: ${error.message}${cause}`,
      ...(fields ?? []).map((f) => `  ${f.field}: ${f.message}`),
    ];
  }
  return [`error: ${error instanceof Error ? error.message : String(error)}`];
};

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  for (const line of describe(error)) process.stderr.write(`${line}\n`);
  code = EXIT.error;
}
// The SSE connection may hold the event loop open: the answer is given, so leave (once
// what was written to stdout has been handed over).
process.stdout.write("", () => process.exit(code));
