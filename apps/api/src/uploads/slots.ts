/**
 * At most `size` chunk bodies in memory per instance at once: a chunk waits for a slot
 * before its body is read (the client's bytes wait in the socket meanwhile), so memory
 * stays under slots x chunk cap however many chunks arrive together.
 */
export class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
