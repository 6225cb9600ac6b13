import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { type ReplayControl, replayControl } from "../src/client.ts";
import { DEFAULT_DATA_DIR } from "../src/dataDir.ts";
import { type RunningReplay, startReplayServer } from "../src/server.ts";

/** The real recorded week of ESZ3 the replay upstream serves (see shared/data/SOURCES.md). */
export const DATA_DIR = DEFAULT_DATA_DIR;
export const DATASET = "GLBX.MDP3";
const FILE = path.join(DATA_DIR, DATASET, "ESZ3.2013-10-06_2013-10-12.ohlcv-1m.csv");

/** The file's lines, header first, read independently of the server's loader. */
export const fileLines = (): string[] => readFileSync(FILE, "utf8").trimEnd().split("\n");

/** The data lines with start <= ts_event < end (ns). */
export const fileRowsBetween = (start: bigint, end: bigint): string[] =>
  fileLines()
    .slice(1)
    .filter((l) => {
      const ts = BigInt(l.slice(0, l.indexOf(",")));
      return ts >= start && ts < end;
    });

export const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

export interface TestReplay extends RunningReplay {
  readonly apiKey: string;
  /** POST /v0/timeseries.get_range, form encoded, with the right key unless told otherwise. */
  getRange(params: Record<string, string>, key?: string | null): Promise<Response>;
  /** Its /_replay API through the typed client. */
  readonly control: ReplayControl;
}

export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;

/** A real replay server on 127.0.0.1, a free port, its own random key. */
export const startTestReplay = async (
  options: { latencyMs?: number; logCapacity?: number } = {},
): Promise<TestReplay> => {
  const apiKey = `test-${randomBytes(8).toString("hex")}`;
  const replay = await startReplayServer({
    port: 0,
    host: "127.0.0.1",
    dataDir: DATA_DIR,
    apiKey,
    ...options,
  });
  return {
    ...replay,
    apiKey,
    getRange: (params, key = apiKey) =>
      fetch(`${replay.url}/v0/timeseries.get_range`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(key === null ? {} : { authorization: basic(key) }),
        },
        body: new URLSearchParams(params).toString(),
      }),
    control: replayControl(replay.url),
  };
};

/** The parameters scaleproof's client sends, for one window of the recorded week. */
export const windowParams = (start: string, end: string, extra: Record<string, string> = {}) => ({
  dataset: DATASET,
  symbols: "ES.c.0",
  stype_in: "continuous",
  schema: "ohlcv-1m",
  start,
  end,
  encoding: "csv",
  ...extra,
});
