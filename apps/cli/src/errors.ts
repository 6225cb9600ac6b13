/**
 * What the CLI itself refuses before it asks a deployment anything. Each names the flag
 * (or the command) at fault, so the user sees one line saying what to change; all exit 2.
 */
export class ArgumentError extends Error {
  override readonly name = "ArgumentError";
  /** `--duration`, `RUN_ID`, or the command word. */
  readonly flag: string;
  readonly problem: string;
  constructor(flag: string, problem: string) {
    super(`${flag}: ${problem}`);
    this.flag = flag;
    this.problem = problem;
  }

  /** Several at once (zod reports every bad field): still one line, the first flag named first. */
  static of(problems: readonly { flag: string; problem: string }[]): ArgumentError {
    const [first, ...rest] = problems;
    const error = new ArgumentError(first?.flag ?? "(arguments)", first?.problem ?? "invalid");
    if (rest.length) {
      error.message = [...new Set(problems.map((p) => `${p.flag}: ${p.problem}`))].join("; ");
    }
    return error;
  }
}

/** The user pressed Ctrl-C: the run this CLI started was cancelled (or asked to be). */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
}
