import type { LevelMeasure, PlannedLevel, QueueProbe, ResourcePoint, WarmResult } from "./data.ts";
import type { ZoneBounds } from "./zones.ts";

/** One level as measured: what the runner offered and got, and what the instances reported meanwhile. */
export interface LevelEvidence {
  readonly level: PlannedLevel;
  readonly measure: LevelMeasure;
  /** The instances' resource samples taken inside the level. */
  readonly resources: readonly ResourcePoint[];
  /** Their queue gauges, read during the level. */
  readonly probes: readonly QueueProbe[];
}

/** Everything a load run measured: plain data, judged by `judge.ts`. */
export interface LoadEvidence {
  readonly warm: WarmResult;
  /** In the order they ran: baseline, ladder, sustained, recovery, then any capacity levels. */
  readonly levels: readonly LevelEvidence[];
  readonly zones: ZoneBounds;
  readonly runnerLagMs: number;
  /** The capacity search, when asked for: why it stopped or did not run. */
  readonly capacity: {
    readonly searched: boolean;
    readonly maxRate: number;
    readonly note: string | null;
  } | null;
  /** Scale-out and scale-in during the sustained level; null: the runner cannot; absent: not asked. */
  readonly scaleOutIn?: ScaleOutInEvidence | null | undefined;
}

/** The samples and probes of one level's window (a sample covers the interval before it). */
export const windowOf = (
  measure: LevelMeasure,
  everyMs: number,
  resources: readonly ResourcePoint[],
  probes: readonly QueueProbe[],
) => {
  const from = measure.startedAt;
  const to = measure.startedAt + measure.elapsedMs;
  return {
    resources: resources.filter((r) => r.at >= from + everyMs && r.at <= to + everyMs / 2),
    probes: probes.filter((p) => p.at >= from && p.at <= to),
  };
};

/**
 * Scale-out and scale-in under load (seed 000's definition of done): during the
 * sustained level the platform adds an instance (in rotation once ready), then stops
 * it gracefully (drained in the balancer, SIGTERM, its job leases handed back). The
 * runner's own instance is never the one stopped: the one stopped is the one added.
 */
export interface ScaleOutInEvidence {
  /** The instance added, and when it was in rotation (ms); null: the platform refused. */
  readonly added: string | null;
  readonly addedAt: number | null;
  /** The instance stopped, and when its drain and stop ended (ms). */
  readonly stopped: string | null;
  readonly stoppedAt: number | null;
  /** Why the platform could not add or stop (null: both done). */
  readonly error: string | null;
  /** How each of the run's job attempts on the stopped instance ended. */
  readonly stoppedAttempts: readonly {
    readonly jobId: string;
    readonly attempt: number;
    readonly outcome: string;
  }[];
  /** Over the run's whole job history: jobs finished twice, and attempts that overlapped. */
  readonly duplicates: number;
  readonly overlaps: number;
  /**
   * Before the stop: backtests enqueued on a range whose upstream fetch was slowed, so the
   * added instance holds a job lease when it gets SIGTERM (`activeAtStop`: its jobs-active
   * gauge last read before the stop; null: never read). Absent in older exports.
   */
  readonly hold?: ScaleHold | undefined;
  /** After the level: the run's jobs waited for (bounded), and those still unfinished then. */
  readonly settle?: ScaleSettle | undefined;
  /** The sustained level's new keys and their provider fetches, as counted by the events and the upstream. */
  readonly fetches?: ScaleFetches | undefined;
}

export interface ScaleHold {
  /** Ids of the held jobs the queue accepted. */
  readonly jobs: readonly string[];
  /** The upstream could be slowed (replay): the held jobs' fetch lasted while the stop came. */
  readonly slowed: boolean;
  readonly activeAtStop: number | null;
  readonly waitedMs: number;
}

export interface ScaleSettle {
  /** The run's jobs (the held ones among them) when the wait ended. */
  readonly jobs: number;
  /**
   * Jobs without exactly one accepted finish when the wait ended, and held or acknowledged
   * jobs the queue never recorded.
   */
  readonly lost: readonly string[];
  readonly waitedMs: number;
  /**
   * Enqueues the runner got acknowledged (2xx with a job id) during the scaled level, each
   * looked for in the queue's history; null: the runner could not record them. Absent in
   * older exports (only the held jobs were matched by id).
   */
  readonly acked?: number | null | undefined;
}

export interface ScaleFetches {
  /** Distinct new keys the sustained level asked for. */
  readonly keys: number;
  /** Provider fetches of those keys in the instances' persisted events, and as the upstream counted them (null: it cannot tell). */
  readonly persisted: number;
  readonly upstream: number | null;
  /**
   * The second count, independent of the events: the run's Redis `provider_fetch` counter
   * over the scaled level (bumped by the instances before each fetch; the held jobs'
   * fetches carry no run and are not counted); null: it could not be read. Absent in older exports.
   */
  readonly redis?: number | null | undefined;
  /** How long the read waited for the instances' last events to land (ms). Absent in older exports. */
  readonly waitedMs?: number | undefined;
  /** Keys not fetched exactly once (at most a few, for the detail). */
  readonly off: readonly {
    readonly key: string;
    readonly persisted: number;
    readonly upstream: number | null;
  }[];
}
