import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  performance,
} from "node:perf_hooks";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { REDIS_KEYS } from "@scaleproof/core/wire/redisKeys";
import type { Sql } from "@scaleproof/db/client";
import { activeScaleTestRun } from "@scaleproof/db/queries/activeScaleTestRun";
import { insertMemorySample, type MemorySample } from "@scaleproof/db/queries/insertMemorySample";
import type { Logger } from "pino";
import type { InstanceEnv } from "../config/env.ts";
import { CpuMeter } from "../instance/cpu.ts";
import type { Identity } from "../instance/identity.ts";
import { VERSION } from "../instance/version.ts";
import type { RedisClient } from "../redis/client.ts";
import { PostGcProbe } from "./postGc.ts";
import { RequestCounter } from "./requestCounter.ts";
import type { LoadShedder } from "./shedder.ts";

const TICK_MS = 1_000;
/** perf_hooks gc kinds (bit flags): scavenge, minor mark-sweep, major, incremental marking, weak callbacks. */
const GC_KINDS: readonly (readonly [number, string])[] = [
  [constants.NODE_PERFORMANCE_GC_MINOR, "minor"],
  [constants.NODE_PERFORMANCE_GC_MINOR_MARK_SWEEP, "minorMarkSweep"],
  [constants.NODE_PERFORMANCE_GC_MAJOR, "major"],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, "incremental"],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, "weakcb"],
];
const kindOf = (kind: number) => GC_KINDS.find(([bit]) => (kind & bit) !== 0)?.[1] ?? "other";
const forced = (flags: number) => (flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0;

export type Sample = Omit<MemorySample, "runId">;

export const instancesKey = REDIS_KEYS.instances;

/**
 * Samples this process every MEMORY_SAMPLE_MS (every MEMORY_QUICK_SAMPLE_MS while a
 * quick run is active): heap, rss, external, event-loop delay and utilisation, GC
 * events V8 ran by itself (collections the sampler forces are not counted), requests
 * begun, and while a run is active what survives a full GC (see `PostGcProbe`). The
 * latest sample is published in the instances registry (Redis) and `/ops/health`;
 * while a scale-test run is active every sample is persisted for it.
 */
export class MemorySampler {
  #latest: Sample | undefined;
  #lastAt = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #eld = monitorEventLoopDelay({ resolution: 10 });
  readonly #cpu = new CpuMeter();
  #elu = performance.eventLoopUtilization();
  #gc = { count: 0, ms: 0, kinds: {} as Record<string, number> };
  readonly #requests = new RequestCounter();
  readonly #postGc: PostGcProbe;
  readonly #observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const detail = (e as { detail?: { kind?: number; flags?: number } }).detail;
      if (forced(detail?.flags ?? 0)) continue;
      this.#postGc.onGc(e);
      this.#gc.count++;
      this.#gc.ms += e.duration;
      const kind = kindOf(detail?.kind ?? 0);
      this.#gc.kinds[kind] = (this.#gc.kinds[kind] ?? 0) + 1;
    }
  });

  private readonly deps: {
    readonly env: InstanceEnv;
    readonly identity: Identity;
    readonly sql: Sql;
    readonly log: Logger;
    readonly redis: RedisClient;
  };
  private readonly shedder: LoadShedder;
  constructor(
    deps: {
      readonly env: InstanceEnv;
      readonly identity: Identity;
      readonly sql: Sql;
      readonly log: Logger;
      readonly redis: RedisClient;
    },
    shedder: LoadShedder,
  ) {
    this.deps = deps;
    this.shedder = shedder;
    this.#postGc = new PostGcProbe(
      deps.env.MEMORY_POST_GC,
      (ms) => this.#requests.idle(ms),
      deps.env.MEMORY_POST_GC_MIN_MS,
    );
  }

  latest(): Sample | undefined {
    return this.#latest;
  }

  start(): void {
    this.#eld.enable();
    this.#observer.observe({ entryTypes: ["gc"] });
    this.#timer = setInterval(() => void this.#tick(), TICK_MS);
    this.#timer.unref();
    void this.#tick();
  }

  async #tick(): Promise<void> {
    const { env, sql, log } = this.deps;
    try {
      const run = await activeScaleTestRun(sql);
      const every = run?.quick ? env.MEMORY_QUICK_SAMPLE_MS : env.MEMORY_SAMPLE_MS;
      if (this.#latest && Date.now() - this.#lastAt < every - TICK_MS / 2) {
        await this.#publish();
        return;
      }
      const sample = await this.#sample(run !== null);
      if (run) await insertMemorySample(sql, { ...sample, runId: run.id });
      await this.#publish();
    } catch (error) {
      log.error({ err: error }, "memory sample failed");
    }
  }

  /** One sample; `persisted` (a run is active): also what survives a full GC. */
  async #sample(persisted: boolean): Promise<Sample> {
    const m = process.memoryUsage();
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 10_000) / 100 : null);
    const eld = {
      p50: ms(this.#eld.percentile(50)),
      p99: ms(this.#eld.percentile(99)),
      max: ms(this.#eld.max),
    };
    this.#eld.reset();
    const elu = performance.eventLoopUtilization(this.#elu);
    this.#elu = performance.eventLoopUtilization();
    const gc = this.#gc;
    this.#gc = { count: 0, ms: 0, kinds: {} };
    this.shedder.reportEventLoopP99(eld.p99);
    const state = this.shedder.evaluate();
    const requests = this.#requests.take();
    const post = persisted ? await this.#postGc.read() : null;
    const sample: Sample = {
      instanceId: this.deps.identity.instanceId,
      bootId: this.deps.identity.bootId,
      at: new Date(),
      uptimeS: Math.round(process.uptime() * 10) / 10,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      oldGenUsed:
        m.heapUsed -
        (getHeapSpaceStatistics().find((sp) => sp.space_name === "new_space")?.space_used_size ??
          0),
      rss: m.rss,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      heapLimit: getHeapStatistics().heap_size_limit,
      eldP50Ms: eld.p50,
      eldP99Ms: eld.p99,
      eldMaxMs: eld.max,
      elu: Math.round(elu.utilization * 10_000) / 10_000,
      gcCount: gc.count,
      gcMs: Math.round(gc.ms * 100) / 100,
      gcKinds: gc.kinds,
      pressure: state.pressure,
      ...this.#cpu.read(),
      shedding: state.shedding,
      postGcHeap: post?.heapUsed ?? null,
      postGcCode: post?.code ?? null,
      postGcHeapTotal: post?.heapTotal ?? null,
      postGcExternal: post?.external ?? null,
      postGcArrayBuffers: post?.arrayBuffers ?? null,
      postGcRss: post?.rss ?? null,
      postGcSource: post?.source ?? null,
      gcForcedMs: post?.gcMs ?? null,
      requests,
      memoryLimit: state.memoryLimit,
    };
    this.#latest = sample;
    this.#lastAt = Date.now();
    return sample;
  }

  /** The instances registry: every instance's latest state, for `instances.list`. */
  async #publish(): Promise<void> {
    const { identity, env, redis } = this.deps;
    const state = this.shedder.state();
    await redis.hset(
      instancesKey(env.CACHE_KEY_PREFIX),
      identity.instanceId,
      JSON.stringify({
        instanceId: identity.instanceId,
        bootId: identity.bootId,
        version: VERSION,
        startedAt: identity.startedAt.toISOString(),
        seenAt: new Date().toISOString(),
        memory: this.#latest ?? null,
        pressure: { ...state, ...this.shedder.thresholds },
      }),
    );
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#observer.disconnect();
    this.#requests.close();
    this.#eld.disable();
  }
}
