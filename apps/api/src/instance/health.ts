import { getHeapStatistics } from "node:v8";
import type { InstanceDeps } from "../deps.ts";
import { VERSION } from "./version.ts";

export interface DependencyHealth {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

export interface Health {
  readonly status: "ok" | "degraded";
  readonly instanceId: string;
  readonly bootId: string;
  readonly startedAt: string;
  readonly uptimeSec: number;
  readonly version: string;
  readonly provider: string;
  readonly redis: DependencyHealth;
  readonly postgres: DependencyHealth;
  readonly memory: {
    readonly heapUsed: number;
    readonly heapTotal: number;
    readonly heapLimit: number;
    readonly rss: number;
    readonly pressure: number;
    readonly basis: string;
    readonly shedding: boolean;
    readonly eventLoopP99Ms: number | null;
  };
}

/** A dependency that does not answer within this is down, as far as health is concerned. */
const PROBE_TIMEOUT_MS = 500;

const probe = async (check: () => Promise<unknown>): Promise<DependencyHealth> => {
  const started = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        ).unref(),
      ),
    ]);
    return { ok: true, latencyMs: round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      latencyMs: round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  }
};

const round = (n: number) => Math.round(n * 100) / 100;

/** Answered by every instance, for the front door, the platform and the runner. */
export const checkHealth = async (deps: InstanceDeps): Promise<Health> => {
  const [redis, postgres] = await Promise.all([
    probe(() => deps.redis.ping()),
    probe(() => deps.sql`select 1`),
  ]);
  return {
    status: redis.ok && postgres.ok ? "ok" : "degraded",
    instanceId: deps.identity.instanceId,
    bootId: deps.identity.bootId,
    startedAt: deps.identity.startedAt.toISOString(),
    uptimeSec: Math.round(process.uptime() * 10) / 10,
    version: VERSION,
    provider: deps.bars.provider.name,
    redis,
    postgres,
    memory: memoryNow(deps),
  };
};

const memoryNow = (deps: InstanceDeps): Health["memory"] => {
  const m = process.memoryUsage();
  const state = deps.shedder.state();
  const latest = deps.sampler.latest();
  return {
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    heapLimit: latest?.heapLimit ?? getHeapStatistics().heap_size_limit,
    rss: m.rss,
    pressure: state.pressure,
    basis: state.basis,
    shedding: state.shedding,
    eventLoopP99Ms: latest?.eldP99Ms ?? null,
  };
};
