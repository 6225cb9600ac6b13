import type { Logger } from "pino";
import type { ReplayData } from "./data.ts";
import type { Knobs } from "./knobs.ts";
import type { RequestLog } from "./requestLog.ts";

export interface ReplayAppOptions {
  readonly data: ReplayData;
  readonly apiKey: string;
  /** Added to every get_range unless a knob rule says otherwise. */
  readonly latencyMs?: number;
  /** Recent requests kept for inspection (counts stay exact beyond it). */
  readonly logCapacity?: number;
  readonly logger?: Logger;
}

export interface ReplayDeps {
  readonly data: ReplayData;
  readonly apiKey: string;
  readonly log: RequestLog;
  readonly knobs: Knobs;
  readonly logger: Logger;
  /** Aborted on close, so requests sleeping on added latency let the server go. */
  readonly closing: AbortSignal;
}
