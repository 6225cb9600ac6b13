/**
 * The level's one timer: `sleep(ms)` resolves after `ms`, or at once when `wake()` is
 * called or `signal` aborts (then `aborted` stays true). One sleep at a time.
 */
export class Alarm {
  aborted: boolean;
  #wake: (() => void) | undefined;
  readonly #onAbort = () => {
    this.aborted = true;
    this.wake();
  };

  private readonly signal: AbortSignal | undefined;
  constructor(signal: AbortSignal | undefined) {
    this.signal = signal;
    this.aborted = signal?.aborted ?? false;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wake(): void {
    this.#wake?.();
  }

  dispose(): void {
    this.signal?.removeEventListener("abort", this.#onAbort);
  }
}
