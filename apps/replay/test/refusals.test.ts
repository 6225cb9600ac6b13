import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestReplay, type TestReplay, windowParams } from "./support.ts";

/** Requests Databento would refuse, refused with its status, case and wording. */
let replay: TestReplay;
beforeAll(async () => {
  replay = await startTestReplay();
});
afterAll(async () => {
  await replay?.close();
});

const ok = windowParams("2013-10-08T14:00:00Z", "2013-10-08T14:30:00Z");
const detail = async (res: Response) =>
  ((await res.json()) as { detail: { case?: string; message?: string } }).detail;

describe("get_range refusals", () => {
  const cases: [string, Record<string, string>, number, string | undefined][] = [
    ["a schema other than ohlcv-1m", { schema: "trades" }, 422, "schema_not_available"],
    ["a dataset not recorded", { dataset: "XNAS.ITCH" }, 422, "dataset_unavailable"],
    ["start on end", { end: "2013-10-08T14:00:00Z" }, 422, "data_time_range_start_on_or_after_end"],
    [
      "start after end",
      { start: "2013-10-08T15:00:00Z" },
      422,
      "data_time_range_start_on_or_after_end",
    ],
    [
      "start before the data",
      { start: "2013-10-06T00:00:00Z" },
      422,
      "data_start_before_available_start",
    ],
    [
      "start after the data",
      { start: "2013-10-12T00:00:00Z", end: "2013-10-12T01:00:00Z" },
      422,
      "data_start_after_available_end",
    ],
    ["end after the data", { end: "2013-10-14T00:00:00Z" }, 422, "data_end_after_available_end"],
    [
      "a contract not recorded",
      { symbols: "ESH4", stype_in: "raw_symbol" },
      422,
      "symbology_invalid_request",
    ],
    [
      "a continuous symbol of another root",
      { symbols: "NQ.c.0" },
      422,
      "symbology_invalid_request",
    ],
    ["a malformed continuous symbol", { symbols: "ESZ3" }, 400, "symbology_invalid_symbol"],
    ["two symbols", { symbols: "ES.c.0,ES.c.1" }, 422, "replay_unsupported"],
    ["json encoding", { encoding: "json" }, 422, "replay_unsupported"],
  ];
  for (const [what, change, status, kase] of cases) {
    it(`${what} -> ${status} ${kase}`, async () => {
      const res = await replay.getRange({ ...ok, ...change });
      expect(res.status).toBe(status);
      const d = await detail(res);
      expect(d.case).toBe(kase);
      expect(d.message).toBeTruthy();
    });
  }

  it("the messages carry the times the way Databento writes them", async () => {
    const res = await replay.getRange({ ...ok, end: "2013-10-14T00:00:00Z" });
    expect((await detail(res)).message).toBe(
      "The dataset GLBX.MDP3 has data available up to '2013-10-11 21:15:00+00:00'. The `end` in the query ('2013-10-14 00:00:00+00:00') is after the available range. Try requesting with an earlier `end`.",
    );
  });

  it("missing and malformed parameters are a 400 naming each one", async () => {
    const res = await replay.getRange({
      schema: "ohlcv-1m",
      start: "yesterday",
      encoding: "xml",
      pretty_px: "maybe",
    });
    expect(res.status).toBe(400);
    const problems = (await res.json()) as { detail: { loc: string[]; msg: string }[] };
    expect(problems.detail.map((p) => p.loc[1]).sort()).toEqual([
      "dataset",
      "encoding",
      "pretty_px",
      "start",
      "symbols",
    ]);
  });
});
