import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import type { Logger } from "pino";
import type { RedisClient } from "../redis/client.ts";
import type { ActiveFault, FaultInput, FaultName } from "./catalog.ts";

/**
 * Cluster-wide fault switches: a Redis hash (the truth, read at boot) and a pub/sub
 * message carrying the whole set on every change, applied synchronously by each
 * instance's subscriber, so a switch is in force everywhere before `set` returns to
 * the admin who flipped it (Redis writes the message to subscribers before it answers
 * the publisher).
 */
export class FaultRegistry {
  #active: ActiveFault[] = [];
  readonly #hash: string;
  readonly #channel: string;

  private readonly redis: RedisClient;
  private readonly instanceId: string;
  private readonly log: Logger;
  private constructor(redis: RedisClient, keyPrefix: string, instanceId: string, log: Logger) {
    this.redis = redis;
    this.instanceId = instanceId;
    this.log = log;
    this.#hash = REDIS_KEYS.faults(keyPrefix);
    this.#channel = REDIS_KEYS.faultsChannel(keyPrefix);
  }

  /**
   * Never waits for Redis: the switches are (re)read whenever the connection becomes
   * ready, so an instance that boots while Redis is down picks them up when it returns.
   */
  static open(
    redis: RedisClient,
    subscriber: RedisClient,
    keyPrefix: string,
    instanceId: string,
    log: Logger,
  ): FaultRegistry {
    const registry = new FaultRegistry(redis, keyPrefix, instanceId, log);
    // Buffers, as the ready channel on this subscriber reads them: with any "message"
    // listener ioredis would decode every message to a string, cache fills included.
    subscriber.on("messageBuffer", (channel: Buffer, raw: Buffer) => {
      if (channel.toString() === registry.#channel) registry.#apply(raw.toString());
    });
    const onError = (error: unknown) => log.warn({ err: error }, "faults: Redis unavailable");
    subscriber.subscribe(registry.#channel).catch(onError);
    const reload = () => void registry.#reload().catch(onError);
    redis.on("ready", reload);
    if (redis.status === "ready") reload();
    return registry;
  }

  /** Is this fault on for this instance? Synchronous: called on hot paths. */
  isOn(name: FaultName): boolean {
    return this.find(name) !== undefined;
  }

  /**
   * The fault if it is on for this instance (its params included): aimed at this
   * instance or at all, and not sparing it (`params.spareInstance`, set when a run arms a
   * fault so that it never takes down the run's own runner).
   */
  find(name: FaultName): ActiveFault | undefined {
    return this.#active.find(
      (f) =>
        f.name === name &&
        (f.instanceId === undefined || f.instanceId === this.instanceId) &&
        f.params.spareInstance !== this.instanceId,
    );
  }

  /**
   * Takes a one-shot fault: exactly one caller in the whole cluster gets true (HDEL is
   * atomic), and the fault is then off everywhere.
   */
  async consume(fault: ActiveFault): Promise<boolean> {
    const won = (await this.redis.hdel(this.#hash, fieldOf(fault))) === 1;
    if (won) await this.#publish();
    return won;
  }

  list(): readonly ActiveFault[] {
    return this.#active;
  }

  async set(input: FaultInput): Promise<readonly ActiveFault[]> {
    const fault: ActiveFault = { ...input, setAt: new Date().toISOString() };
    await this.redis.hset(this.#hash, fieldOf(input), JSON.stringify(fault));
    return await this.#publish();
  }

  async clear(name?: FaultName): Promise<readonly ActiveFault[]> {
    if (name === undefined) await this.redis.del(this.#hash);
    else {
      const fields = (await this.redis.hkeys(this.#hash)).filter((f) => f.split("@")[0] === name);
      if (fields.length > 0) await this.redis.hdel(this.#hash, ...fields);
    }
    return await this.#publish();
  }

  async #publish(): Promise<readonly ActiveFault[]> {
    const all = await this.#read();
    await this.redis.publish(this.#channel, JSON.stringify(all));
    this.#active = all;
    return all;
  }

  async #reload(): Promise<void> {
    this.#active = await this.#read();
  }

  async #read(): Promise<ActiveFault[]> {
    const raw = await this.redis.hvals(this.#hash);
    return raw
      .map((r) => JSON.parse(r) as ActiveFault)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  #apply(raw: string): void {
    try {
      this.#active = JSON.parse(raw) as ActiveFault[];
      this.log.warn(
        { event: "faults_changed", faults: this.#active.map((f) => f.name) },
        "faults changed",
      );
    } catch (error) {
      this.log.error({ err: error }, "unreadable faults message");
    }
  }
}

const fieldOf = (f: FaultInput) => `${f.name}@${f.instanceId ?? "*"}`;
