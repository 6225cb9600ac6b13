/** A run could not start: another is active (409) or the instance is not set up to run one (412). */
export class RunRefused extends Error {
  readonly code: "CONFLICT" | "PRECONDITION_FAILED";
  constructor(code: "CONFLICT" | "PRECONDITION_FAILED", message: string) {
    super(message);
    this.code = code;
    this.name = "RunRefused";
  }
}
