import { type Child, spawnChild, stopChild, waitForMessage } from "./child.ts";
import { INSTANCE_ENTRY } from "./entries.ts";
import { instanceReady } from "./instanceReady.ts";

export interface SlotView {
  readonly instanceId: string;
  readonly pid: number | undefined;
  readonly port: number | undefined;
  readonly live: boolean;
  readonly restarts: number;
  readonly bootIds: readonly string[];
}

/** Where instances take traffic from (the load balancer): the supervisor says who may. */
export interface Rotation {
  /** A new instance: give it its place (in the order instances were added). */
  admit(instanceId: string): Promise<void>;
  /** The instance listens on `port` (a new one at every boot): send it traffic. */
  enter(instanceId: string, port: number): Promise<void>;
  /** Its process is gone: no traffic at all. */
  leave(instanceId: string): Promise<void>;
  /** No new requests; resolves once those in flight are done (or a deadline passes). */
  drain(instanceId: string): Promise<void>;
  /** It is gone for good: out of rotation, its place free for another. */
  forget(instanceId: string): Promise<void>;
}

export interface SupervisorOptions {
  readonly env: Record<string, string>;
  readonly rotation: Rotation;
  /** V8 old-space limit per instance, MB (default 256). */
  readonly heapMb?: number;
  readonly onLine: (source: string, line: string) => void;
  readonly onRestart?: (instanceId: string, exit: string) => void;
}

/**
 * The local stand-in for an autoscaler: keeps instance processes running, each with a
 * stable INSTANCE_ID, replaces one that dies (a new process, a new BOOT_ID) and tells
 * the load balancer who is in rotation.
 */
export class Supervisor {
  readonly #slots = new Map<string, Slot>();
  #stopping = false;

  private readonly options: SupervisorOptions;
  constructor(options: SupervisorOptions) {
    this.options = options;
  }

  /** Starts an instance; resolves once it is listening and in rotation. */
  async add(instanceId: string): Promise<void> {
    if (this.#slots.has(instanceId)) throw new Error(`instance ${instanceId} already runs`);
    const slot = new Slot(instanceId, this.options);
    this.#slots.set(instanceId, slot);
    slot.onExit = (exit) => {
      if (this.#stopping || !this.#slots.has(instanceId)) return;
      this.options.onRestart?.(instanceId, exit);
      slot.restart();
    };
    try {
      await this.options.rotation.admit(instanceId);
      await slot.start();
    } catch (error) {
      this.#slots.delete(instanceId);
      await slot.stop();
      await this.options.rotation.forget(instanceId);
      throw error;
    }
  }

  /** Takes an instance out of rotation, lets its requests finish, then stops it. */
  async remove(instanceId: string): Promise<void> {
    const slot = this.#slots.get(instanceId);
    if (!slot) return;
    this.#slots.delete(instanceId);
    await this.options.rotation.drain(instanceId);
    await slot.stop();
    await this.options.rotation.forget(instanceId);
  }

  /** Instances that accept traffic: a listening port and a live process. */
  live(): { instanceId: string; port: number }[] {
    return [...this.#slots.values()].flatMap((s) =>
      s.port !== undefined && s.live ? [{ instanceId: s.instanceId, port: s.port }] : [],
    );
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

  readonly instanceId: string;
  private readonly options: SupervisorOptions;
  constructor(instanceId: string, options: SupervisorOptions) {
    this.instanceId = instanceId;
    this.options = options;
  }

  async start(): Promise<void> {
    const child = spawnChild({
      entry: INSTANCE_ENTRY,
      // A modest heap, so pressure tests are quick and safe. A small semi-space keeps
      // heap_size_limit (old space + 3 x semi-space) close to the old-space limit, so
      // the shedder's heapUsed/heap_size_limit means what it says: with Node 24's
      // default young generation, ~190 MB of heap_size_limit can never hold old objects
      // and the process would die of OOM at a ratio of ~0.57. --expose-gc lets the
      // ballast and leak faults ask for a collection when they let go.
      // Idle rss (issue 17 #5): V8's platform threads (GC helpers, concurrent compiles)
      // default to 4 whatever the machine; 2 keep GC and compiles concurrent with the
      // main thread. glibc gives each thread that mallocs its own arena (up to 8 per
      // core); 2 arenas serve the V8, libuv and backtest threads. Measured on Node 24,
      // the two together: about 5 MB less idle rss.
      nodeArgs: [
        `--max-old-space-size=${this.options.heapMb ?? 256}`,
        "--max-semi-space-size=2",
        "--v8-pool-size=2",
        "--expose-gc",
      ],
      envDefaults: { MALLOC_ARENA_MAX: "2" },
      env: {
        ...this.options.env,
        INSTANCE_ID: this.instanceId,
        PORT: "0",
      },
      onLine: (line) => this.options.onLine(this.instanceId, line),
    });
    this.child = child;
    const startedAt = Date.now();
    child.process.once("exit", (code, signal) => {
      this.live = false;
      this.port = undefined;
      this.#quickFailures = Date.now() - startedAt < 3_000 ? this.#quickFailures + 1 : 0;
      this.#rotate(() => this.options.rotation.leave(this.instanceId));
      this.onExit?.(signal ? `signal ${signal}` : `code ${code}`);
    });
    const ready = await waitForMessage(
      child,
      (message) => {
        const parsed = instanceReady.safeParse(message);
        return parsed.success ? parsed.data : undefined;
      },
      `instance ${this.instanceId}`,
    );
    if (ready.instanceId !== this.instanceId) {
      // Its environment named it otherwise: traffic pinned to it would go astray.
      child.process.kill("SIGKILL");
      throw new Error(
        `instance ${this.instanceId} reported itself as ${ready.instanceId}; INSTANCE_ID must win`,
      );
    }
    if (this.#stopped || child.process.exitCode !== null) return;
    this.port = ready.port;
    this.bootIds.push(ready.bootId);
    await this.options.rotation.enter(this.instanceId, ready.port);
    // Live once the balancer sends it traffic (unless it died meanwhile).
    this.live = child.process.exitCode === null && child.process.signalCode === null;
  }

  restart(): void {
    this.restarts += 1;
    // Back off when an instance keeps dying at boot, as a platform would.
    const delay = Math.min(5_000, 100 * 2 ** this.#quickFailures);
    this.#restartTimer = setTimeout(() => {
      // Stopped while waiting: never spawn a process nobody will stop.
      if (this.#stopped) return;
      this.start().catch((error: unknown) => {
        // Died while booting: its exit handler schedules the next attempt. A rotation
        // failure (the balancer is gone) is reported; the next exit retries.
        if (this.child?.process.exitCode === null) this.#report(error);
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

  #rotate(change: () => Promise<void>): void {
    if (this.#stopped) return;
    change().catch((error: unknown) => this.#report(error));
  }

  #report(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.options.onLine("platform", `instance ${this.instanceId}: ${message}`);
  }
}
