import type { BarsRange } from "@scaleproof/core/scale-test/data";
import type {
  LevelMeasure,
  QueueProbe,
  ResourcePoint,
  WarmResult,
} from "@scaleproof/core/scale-test/profiles/load/data";
import { EnqueueAcks } from "@scaleproof/core/scale-test/profiles/load/scaleOutInAcks";
import { Load } from "@scaleproof/core/scale-test/services/load";
import { HEADERS } from "@scaleproof/core/wire/headers";
import type { Sql } from "@scaleproof/db/client";
import { listResourceSamples } from "@scaleproof/db/queries/listResourceSamples";
import { Effect, Layer } from "effect";
import type { InstanceEnv } from "../config/env.ts";
import { runLevel } from "../load/level.ts";
import type { HeadersFor } from "../load/types.ts";
import { warmCachedKeys } from "../load/warm.ts";
import { type Workload, workload } from "../load/workload.ts";
import { evidenceSigner, requestLineOf } from "../runs/evidenceSignature.ts";
import { gaugeOf, promSamples } from "./gauges.ts";
import { ridingOut } from "./ridingOut.ts";

const PROBE_TIMEOUT_MS = 2_000;
const GAUGES = {
  inFlight: "scaleproof_http_requests_in_flight",
  dbWaiting: "scaleproof_pg_queries_waiting",
  jobsActive: "scaleproof_jobs_active",
} as const;
const GAUGE_NAMES: ReadonlySet<string> = new Set(Object.values(GAUGES));

/** A bars request's path back to its range (the workload wrote symbol, tf, start and end). */
const rangeOf = (path: string, symbol: string, tf: "1m" | "5m"): BarsRange => {
  const q = new URLSearchParams(path.slice(path.indexOf("?") + 1));
  const t = q.get("tf");
  return {
    symbol: q.get("symbol") ?? symbol,
    tf: t === "1m" || t === "5m" ? t : tf,
    start: q.get("start") ?? "",
    end: q.get("end") ?? "",
  };
};

/** A run id -> a workload seed, so each run's new keys start elsewhere (and stay new). */
const seedOf = (runId: string) => {
  let h = 2166136261;
  for (const c of runId) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
};

/**
 * The load engine on the runner, over real HTTP at the target URL (the front door): one
 * workload per run, every request signed as the run's evidence (the run key derived
 * once); queue gauges read from each instance's /metrics (pinned through the front door,
 * attributed by the answering instance's own header); resource samples from what the
 * instances' samplers persisted for the run. With it, per level, the job ids its
 * enqueues were acknowledged with (EnqueueAcks: the scale-out/in check looks for each).
 */
export const loadLayer = (o: {
  readonly sql: Sql;
  readonly env: InstanceEnv;
  readonly url: string;
  readonly runId: string;
  readonly symbol: string;
  readonly tf: "1m" | "5m";
}): Layer.Layer<Load | EnqueueAcks> => {
  const token = o.env.ADMIN_TOKEN;
  const sign = token ? evidenceSigner(token, o.runId) : undefined;
  const headersFor: HeadersFor = sign
    ? (method, path) => sign(requestLineOf(method, path))
    : () => ({ [HEADERS.run]: o.runId });
  let current: Workload | undefined;
  /** Per level: the new-key ranges it sent (the scale-out/in check counts their fetches). */
  const newKeys = new Map<string, BarsRange[]>();
  /** Per level: the job ids its enqueues were acknowledged with. */
  const acked = new Map<string, readonly string[]>();
  const workloadOf = (level: string): Workload => {
    if (!current) throw new Error("Load.level before Load.start: no workload for this run");
    const w = current;
    const sent: BarsRange[] = [];
    newKeys.set(level, sent);
    return {
      cachedPaths: w.cachedPaths,
      next: () => {
        const r = w.next();
        if (r.kind === "barsNew") sent.push(rangeOf(r.path, o.symbol, o.tf));
        return r;
      },
    };
  };

  const probeOne = async (pin: string): Promise<QueueProbe | null> => {
    try {
      const res = await fetch(new URL("/metrics", o.url), {
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          [HEADERS.routeTo]: pin,
        },
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const text = await res.text();
      const instanceId = res.headers.get(HEADERS.instanceId);
      if (!res.ok || !instanceId) return null;
      const s = promSamples(text, GAUGE_NAMES);
      return {
        instanceId,
        bootId: res.headers.get(HEADERS.bootId),
        at: Date.now(),
        // the service's own requests: not the UI's progress stream, nor run-status polls
        requestsInFlight: gaugeOf(s, GAUGES.inFlight, { area: "api" }),
        dbWaiting: gaugeOf(s, GAUGES.dbWaiting),
        jobsActive: gaugeOf(s, GAUGES.jobsActive),
      };
    } catch {
      return null; // an instance that does not answer a probe is simply not probed this time
    }
  };

  const acks = Layer.succeed(
    EnqueueAcks,
    EnqueueAcks.of({ jobIds: (level) => Effect.sync(() => acked.get(level) ?? []) }),
  );
  const engine = Layer.succeed(
    Load,
    Load.of({
      start: (mix) =>
        Effect.promise(async (signal): Promise<WarmResult> => {
          current = workload({
            mix: { ...mix, symbol: o.symbol, tf: o.tf },
            seed: seedOf(o.runId),
            idempotencyPrefix: o.runId,
          });
          const warmed = await warmCachedKeys({
            target: o.url,
            workload: current,
            headersFor,
            signal,
          });
          const answered = warmed.filter((w) => w.outcome.kind === "answered");
          return {
            asked: current.cachedPaths.length,
            answered: answered.length,
            instances: [...new Set(warmed.flatMap((w) => (w.by ? [w.by.instanceId] : [])))].sort(),
            problems: warmed
              .filter((w) => w.outcome.kind !== "answered")
              .map((w) => `${w.path}: ${JSON.stringify(w.outcome)}`),
          };
        }),
      level: (spec) =>
        Effect.promise(async (signal): Promise<LevelMeasure> => {
          const startedAt = Date.now();
          const r = await runLevel({
            target: o.url,
            rate: spec.rate,
            durationMs: spec.durationMs,
            arrival: { kind: "poisson", seed: spec.seed },
            workload: workloadOf(spec.name),
            headersFor,
            signal,
          });
          acked.set(spec.name, r.jobIds ?? []);
          return {
            startedAt,
            endedAt: Date.now(),
            offeredRate: r.offeredRate,
            durationMs: r.durationMs,
            elapsedMs: r.elapsedMs,
            aborted: r.aborted,
            timeoutMs: r.timeoutMs,
            counts: r.counts,
            achievedRate: r.achievedRate,
            latencyMs: r.latencyMs,
            scheduleLagMs: r.scheduleLagMs,
            histogram: r.histogram,
            statuses: r.statuses,
            shedCodes: r.shedCodes,
            errors: r.errors,
            byInstance: r.byInstance,
          };
        }),
      newKeys: (level) => Effect.sync(() => newKeys.get(level) ?? []),
      probe: (ids) =>
        Effect.promise(async () =>
          (await Promise.all(ids.map(probeOne))).filter((p): p is QueueProbe => p !== null),
        ),
      resources: (since) =>
        ridingOut(async () =>
          (await listResourceSamples(o.sql, o.runId, new Date(since))).map(
            (s): ResourcePoint => ({
              instanceId: s.instance_id,
              bootId: s.boot_id,
              at: s.at.getTime(),
              cpuPct: s.cpu_pct,
              rss: s.rss,
              memoryLimit: s.memory_limit,
              heapUsed: s.heap_used,
              heapLimit: s.heap_limit,
              postGcHeap: s.post_gc_heap,
              eventLoopP99Ms: s.eld_p99_ms,
              shedding: s.shedding,
            }),
          ),
        ),
      sampleEveryMs: (quick) => (quick ? o.env.MEMORY_QUICK_SAMPLE_MS : o.env.MEMORY_SAMPLE_MS),
    }),
  );
  return Layer.merge(engine, acks);
};
