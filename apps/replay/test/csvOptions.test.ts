import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileRowsBetween, ns, startTestReplay, type TestReplay, windowParams } from "./support.ts";

/** Request options: pretty prices and timestamps, limit, parameters in the query string. */
let replay: TestReplay;
beforeAll(async () => {
  replay = await startTestReplay();
});
afterAll(async () => {
  await replay?.close();
});

const START = "2013-10-08T13:30:00Z";
const END = "2013-10-08T15:30:00Z";
const lines = async (res: Response) => (await res.text()).trimEnd().split("\n");

describe("get_range options", () => {
  it("pretty_px / pretty_ts print decimals and ISO timestamps; limit caps the records", async () => {
    const res = await replay.getRange(
      windowParams(START, END, { pretty_px: "true", pretty_ts: "true", limit: "2" }),
    );
    const body = await lines(res);
    expect(body).toHaveLength(3);
    const raw = fileRowsBetween(ns(START), ns(END))[0]?.split(",") ?? [];
    expect(body[1]).toBe(
      `2013-10-08T13:30:00.000000000Z,33,1,0,${raw
        .slice(4, 8)
        .map((p) => `${p.slice(0, -9)}.${p.slice(-9)}`)
        .join(",")},${raw[8]}`,
    );
  });

  it("parameters in the query string work like a form body", async () => {
    const q = new URLSearchParams(windowParams(START, END));
    const res = await fetch(`${replay.url}/v0/timeseries.get_range?${q}`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${replay.apiKey}:`).toString("base64")}` },
    });
    expect(res.status).toBe(200);
    expect((await lines(res)).length).toBe(fileRowsBetween(ns(START), ns(END)).length + 1);
  });
});
