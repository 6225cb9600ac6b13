import path from "node:path";
import { type Child, spawnChild, stopChild, waitForLine } from "./child.ts";

export const INSTANCE_ENTRY = path.resolve(import.meta.dirname, "../main.ts");

export interface SlotView {
  readonly instanceId: string;
  readonly pid: number | undefined;
  readonly port: number | undefined;
  readonly live: boolean;
  readonly restarts: number;
  readonly bootIds: readonly string[];
}

export interface SupervisorOptions {
  readonly env: Record<string, string>;
  /** V8 old-space limit per instance, MB (default 256). */
  readonly heapMb?: number;
  readonly onLine: (instanceId: string, line: string) => void;
  readonly onRestart?: (instanceId: string, exit: string) => void;
}

/**
 * The local stand-in for an autoscaler: keeps N instance processes running, each with a
 * stable INSTANCE_ID, and replaces one that dies (a new process, a new BOOT_ID).
 */
export class Supervisor {
  readonly #slots = new Map<string, Slot>();
  #stopping = false;

  constructor(private readonly options: SupervisorOptions) {}

  async add(instanceId: string): Promise<void> {
    const slot = new Slot(instanceId, this.options);
    this.#slots.set(instanceId, slot);
    await slot.start();
    slot.onExit = (exit) => {
      if (this.#stopping || !this.#slots.has(instanceId)) return;
      this.options.onRestart?.(instanceId, exit);
      slot.restart();
    };
  }

  async remove(instanceId: string): Promise<void> {
    const slot = this.#slots.get(instanceId);
    this.#slots.delete(instanceId);
    await slot?.stop();
  }

  /** Instances that accept traffic: a listening port and a live process. */
  live(): { instanceId: string; port: number }[] {
    return [...this.#slots.values()].flatMap((s) =>
      s.port !== undefined && s.live ? [{ instanceId: s.instanceId, port: s.port }] : [],
    );
  }

  markDown(instanceId: string): void {
    const slot = this.#slots.get(instanceId);
    if (slot) slot.live = false;
  }

  view(): SlotView[] {
    return [...this.#slots.values()].map((s) => s.view());
  }

  pid(instanceId: string): number | undefined {
    return this.#slots.get(instanceId)?.child?.process.pid;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#slots.values()].map((s) => s.stop()));
  }
}

class Slot {
  child: Child | undefined;
  port: number | undefined;
  live = false;
  restarts = 0;
  readonly bootIds: string[] = [];
  onExit: ((exit: string) => void) | undefined;
  #quickFailures = 0;
  #stopped = false;
  #restartTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly instanceId: string,
    private readonly options: SupervisorOptions,
  ) {}

  async start(): Promise<void> {
    const child = spawnChild({
      entry: INSTANCE_ENTRY,
      // A modest heap, so pressure tests are quick and safe. A small semi-space keeps
      // heap_size_limit (old space + 3 x semi-space) close to the old-space limit, so
      // the shedder's heapUsed/heap_size_limit means what it says: with Node 24's
      // default young generation, ~190 MB of heap_size_limit can never hold old objects
      // and the process would die of OOM at a ratio of ~0.57. --expose-gc lets the
      // ballast and leak faults ask for a collection when they let go.
      nodeArgs: [
        `--max-old-space-size=${this.options.heapMb ?? 256}`,
        "--max-semi-space-size=2",
        "--expose-gc",
      ],
      env: { ...this.options.env, INSTANCE_ID: this.instanceId, PORT: "0" },
      onLine: (line) => this.options.onLine(this.instanceId, line),
    });
    this.child = child;
    const startedAt = Date.now();
    child.process.once("exit", (code, signal) => {
      this.live = false;
      this.port = undefined;
      this.#quickFailures = Date.now() - startedAt < 3_000 ? this.#quickFailures + 1 : 0;
      this.onExit?.(signal ? `signal ${signal}` : `code ${code}`);
    });
    const ready = await waitForLine(
      child,
      (j) =>
        j.event === "listening" && typeof j.port === "number" && typeof j.bootId === "string"
          ? { port: j.port, bootId: j.bootId }
          : undefined,
      `instance ${this.instanceId}`,
    );
    this.port = ready.port;
    this.bootIds.push(ready.bootId);
    this.live = true;
  }

  restart(): void {
    this.restarts += 1;
    // Back off when an instance keeps dying at boot, as a platform would.
    const delay = Math.min(5_000, 100 * 2 ** this.#quickFailures);
    this.#restartTimer = setTimeout(() => {
      // Stopped while waiting: never spawn a process nobody will stop.
      if (this.#stopped) return;
      this.start().catch(() => {
        // It died while booting; its exit handler schedules the next attempt.
      });
    }, delay);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    this.onExit = undefined;
    this.live = false;
    if (this.child) await stopChild(this.child.process);
  }

  view(): SlotView {
    return {
      instanceId: this.instanceId,
      pid: this.child?.process.pid,
      port: this.port,
      live: this.live,
      restarts: this.restarts,
      bootIds: [...this.bootIds],
    };
  }
}
