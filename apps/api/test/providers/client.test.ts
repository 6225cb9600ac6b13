import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { ProviderError } from "@scaleproof/core/bars/errors";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatabentoClient } from "../../src/providers/databento/client.ts";
import type { GetRangeRequest } from "../../src/providers/types.ts";
import { type FakeUpstream, json, startFakeUpstream } from "./fakeUpstream.ts";
import { dbnFixturesDir, esz3CsvPath } from "./sharedData.ts";

const API_KEY = "db-TestKey0123456789abcdefABCDEF";
const csvBytes = readFileSync(esz3CsvPath);
const dbnBytes = readFileSync(
  path.join(dbnFixturesDir, "databento-python/GLBX.MDP3.test_data.ohlcv-1m.dbn.zst"),
);
const dbn1hBytes = readFileSync(
  path.join(dbnFixturesDir, "databento-python/GLBX.MDP3.test_data.ohlcv-1h.dbn.zst"),
);

const ESZ3_WEEK: GetRangeRequest = {
  dataset: "GLBX.MDP3",
  symbol: "ESZ3",
  stypeIn: "raw_symbol",
  start: 1381096800000000000n,
  end: 1381526100000000000n,
};

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream(API_KEY);
});
afterAll(async () => {
  await upstream?.close();
});
beforeEach(() => {
  upstream.seen.length = 0;
});

/** Every error message any test saw: none may contain the key. */
const messages: string[] = [];

const rejection = async (promise: Promise<unknown>): Promise<ProviderError> => {
  try {
    await promise;
  } catch (error) {
    messages.push((error as Error).message);
    return error as ProviderError;
  }
  throw new Error("expected a rejection");
};

const client = (options: Partial<Parameters<typeof createDatabentoClient>[0]> = {}) =>
  createDatabentoClient({ apiKey: API_KEY, baseUrl: upstream.url, ...options });

const getRange = (options: Partial<Parameters<typeof createDatabentoClient>[0]> = {}) =>
  client(options).getRange(ESZ3_WEEK);

describe("timeseries.get_range", () => {
  it("csv: posts the form Databento expects and parses the real bars", async () => {
    upstream.handle(() => ({
      status: 200,
      headers: { "content-type": "text/csv" },
      body: csvBytes,
    }));
    const result = await getRange({ encoding: "csv" });
    expect(result.bars).toHaveLength(6826);
    expect(result.bars[0]).toEqual({
      tsEvent: 1381096800000000000n,
      open: 1676750000000n,
      high: 1677250000000n,
      low: 1673500000000n,
      close: 1675250000000n,
      volume: 1884n,
      instrumentId: 0,
    });
    expect(result.bytesIn).toBe(csvBytes.byteLength);

    const [seen] = upstream.seen;
    expect(seen?.method).toBe("POST");
    expect(seen?.path).toBe("/v0/timeseries.get_range");
    expect(seen?.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(seen?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${API_KEY}:`).toString("base64")}`,
    );
    expect(Object.fromEntries(seen?.form ?? [])).toEqual({
      dataset: "GLBX.MDP3",
      symbols: "ESZ3",
      schema: "ohlcv-1m",
      start: "1381096800000000000",
      end: "1381526100000000000",
      stype_in: "raw_symbol",
      stype_out: "instrument_id",
      encoding: "csv",
      compression: "none",
      map_symbols: "true",
      pretty_px: "false",
      pretty_ts: "false",
    });
  });

  it("dbn (default): asks for zstd and decodes the real records; bytesIn is the compressed size", async () => {
    upstream.handle(() => ({ status: 200, body: dbnBytes }));
    const result = await getRange();
    expect(result.bars.map((b) => b.tsEvent)).toEqual([
      1609113600000000000n,
      1609113660000000000n,
      1609113720000000000n,
      1609113780000000000n,
    ]);
    expect(result.bars[0]).toMatchObject({
      open: 3702750000000n,
      volume: 306n,
      instrumentId: 5482,
    });
    expect(result.bytesIn).toBe(dbnBytes.byteLength);
    const form = upstream.seen[0]?.form;
    expect(form?.get("encoding")).toBe("dbn");
    expect(form?.get("compression")).toBe("zstd");
    expect(form?.has("pretty_px")).toBe(false);
  });

  it("continuous symbols are sent with stype_in=continuous", async () => {
    upstream.handle(() => ({ status: 200, body: dbnBytes }));
    await client().getRange({ ...ESZ3_WEEK, symbol: "ES.c.0", stypeIn: "continuous" });
    expect(upstream.seen[0]?.form.get("symbols")).toBe("ES.c.0");
    expect(upstream.seen[0]?.form.get("stype_in")).toBe("continuous");
  });

  it("puts unordered bars back in time order", async () => {
    const [header, ...rows] = csvBytes.toString("utf8").trimEnd().split("\n").slice(0, 4);
    upstream.handle(() => ({ status: 200, body: `${[header, ...rows.reverse()].join("\n")}\n` }));
    const { bars } = await getRange({ encoding: "csv" });
    expect(bars.map((b) => b.tsEvent)).toEqual([
      1381096800000000000n,
      1381096860000000000n,
      1381096920000000000n,
    ]);
  });

  it("a 200 it cannot decode is ProviderUnavailable naming the line", async () => {
    const body = `${csvBytes.toString("utf8").split("\n").slice(0, 3).join("\n")}\n1381096920000000000,33,1,0,oops\n`;
    upstream.handle(() => ({ status: 200, body }));
    const e = await rejection(getRange({ encoding: "csv" }));
    expect(e).toMatchObject({ _tag: "ProviderUnavailable", status: 200 });
    expect(e.message).toBe(
      "databento timeseries.get_range: undecodable response: CSV line 4: expected 10 fields, found 5",
    );
  });

  it("dbn records of another interval than 1m are refused", async () => {
    upstream.handle(() => ({ status: 200, body: dbn1hBytes }));
    const e = await rejection(getRange());
    expect(e._tag).toBe("ProviderUnavailable");
    expect(e.message).toMatch(/expected ohlcv-1m records \(rtype 0x21\), got rtype 0x22/);
  });

  it("an HTML page instead of DBN is ProviderUnavailable", async () => {
    upstream.handle(() => ({ status: 200, body: "<html><body>maintenance</body></html>" }));
    const e = await rejection(getRange());
    expect(e._tag).toBe("ProviderUnavailable");
    expect(e.message).toMatch(/undecodable response: not DBN: starts with "<html>/);
  });

  it("uses the fetch it is given", async () => {
    upstream.handle(() => ({ status: 200, body: dbnBytes }));
    const urls: string[] = [];
    const spy: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    await getRange({ fetch: spy, baseUrl: `${upstream.url}/` });
    expect(urls).toEqual([`${upstream.url}/v0/timeseries.get_range`]);
  });
});

describe("error answers map to typed errors", () => {
  it("a wrong key: 401 ProviderUnauthorized with Databento's explanation", async () => {
    const e = await rejection(
      client({ apiKey: "db-wrong-key-000000000000000000" }).getRange(ESZ3_WEEK),
    );
    expect(e).toMatchObject({ _tag: "ProviderUnauthorized", status: 401 });
    expect(e.message).toBe(
      "databento timeseries.get_range 401: auth_authentication_failed: Authentication failed.",
    );
    expect(e.message).not.toContain("db-wrong-key");
  });

  it("403 (string detail) is ProviderUnauthorized", async () => {
    upstream.handle(() => json(403, { detail: "This API key is not entitled to GLBX.MDP3." }));
    const e = await rejection(getRange());
    expect(e).toMatchObject({ _tag: "ProviderUnauthorized", status: 403 });
    expect(e.message).toBe(
      "databento timeseries.get_range 403: This API key is not entitled to GLBX.MDP3.",
    );
  });

  it("422 with a string, an object and a validation array is ProviderBadRequest", async () => {
    const details: [unknown, string][] = [
      ["Invalid symbol 'ESZZ'.", "Invalid symbol 'ESZZ'."],
      [
        {
          case: "symbology_invalid_request",
          message: "None of the symbols could be resolved",
          status_code: 422,
          docs: "https://databento.com/docs/standards-and-conventions/symbology",
          payload: { symbols: ["ESZZ"] },
        },
        "symbology_invalid_request: None of the symbols could be resolved",
      ],
      [
        [
          { loc: ["body", "start"], msg: "field required", type: "value_error.missing" },
          { loc: ["body", "stype_in"], msg: "'foo' is not a valid SType", type: "value_error" },
        ],
        "body.start: field required; body.stype_in: 'foo' is not a valid SType",
      ],
    ];
    for (const [detail, text] of details) {
      upstream.handle(() => json(422, { detail }));
      const e = await rejection(getRange());
      expect(e).toMatchObject({ _tag: "ProviderBadRequest", status: 422 });
      expect(e.message).toBe(`databento timeseries.get_range 422: ${text}`);
    }
  });

  it("400 and 404 are ProviderBadRequest", async () => {
    for (const status of [400, 404]) {
      upstream.handle(() =>
        json(status, { detail: [{ loc: ["query", "dataset"], msg: "field required" }] }),
      );
      const e = await rejection(client().getDatasetRange("GLBX.MDP3"));
      expect(e).toMatchObject({ _tag: "ProviderBadRequest", status });
      expect(e.message).toBe(
        `databento metadata.get_dataset_range ${status}: query.dataset: field required`,
      );
    }
  });

  it("429 honours Retry-After in seconds", async () => {
    upstream.handle(() =>
      json(
        429,
        { detail: "API rate limit exceeded. Retry after 7 seconds." },
        { "retry-after": "7" },
      ),
    );
    const e = await rejection(getRange());
    expect(e).toMatchObject({ _tag: "ProviderRateLimited", retryAfterMs: 7000 });
    expect(e.message).toBe(
      "databento timeseries.get_range 429: API rate limit exceeded. Retry after 7 seconds. (retry after 7000 ms)",
    );
  });

  it("429 honours Retry-After as an HTTP date", async () => {
    const at = new Date(Date.now() + 30_000);
    upstream.handle(() => json(429, { detail: "slow down" }, { "retry-after": at.toUTCString() }));
    const e = await rejection(getRange());
    expect(e._tag).toBe("ProviderRateLimited");
    const ms = (e as Extract<ProviderError, { _tag: "ProviderRateLimited" }>).retryAfterMs;
    // HTTP dates have whole seconds: up to 1 s is lost to truncation, a little to the trip.
    expect(ms).toBeGreaterThan(27_000);
    expect(ms).toBeLessThanOrEqual(30_000);
  });

  it("429 without Retry-After waits the default 1000 ms; a past date means now", async () => {
    upstream.handle(() => json(429, { detail: "slow down" }));
    expect(await rejection(getRange())).toMatchObject({ retryAfterMs: 1000 });
    upstream.handle(() =>
      json(429, { detail: "slow down" }, { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" }),
    );
    expect(await rejection(getRange())).toMatchObject({ retryAfterMs: 0 });
  });

  it("500 (an HTML page) and 503 are ProviderUnavailable with a one-line message", async () => {
    upstream.handle(() => ({
      status: 500,
      headers: { "content-type": "text/html" },
      body: "<html>\n<head><title>500 Internal Server Error</title></head>\n<body>oops</body>\n</html>\n",
    }));
    const e = await rejection(getRange());
    expect(e).toMatchObject({ _tag: "ProviderUnavailable", status: 500 });
    expect(e.message).toBe("databento timeseries.get_range 500: 500 Internal Server Error oops");

    upstream.handle(() => json(503, { detail: "Service Unavailable" }));
    expect(await rejection(getRange())).toMatchObject({
      _tag: "ProviderUnavailable",
      status: 503,
      message: "databento timeseries.get_range 503: Service Unavailable",
    });

    upstream.handle(() => ({ status: 502, body: "" }));
    expect(await rejection(getRange())).toMatchObject({
      message: "databento timeseries.get_range 502",
    });
  });

  it("the key never appears in a message, even when the upstream echoes it", async () => {
    upstream.handle(() => json(422, { detail: `key ${API_KEY} may not request ES.c.0` }));
    const e = await rejection(getRange());
    expect(e.message).toBe(
      "databento timeseries.get_range 422: key <api key> may not request ES.c.0",
    );
    upstream.handle(() => ({ status: 200, body: `ts_event\n${API_KEY}\n` }));
    expect((await rejection(getRange({ encoding: "csv" }))).message).not.toContain(API_KEY);
  });

  it("the provider name is in messages", async () => {
    upstream.handle(() => json(503, { detail: "down" }));
    const replay = client({ name: "replay" });
    expect(replay.name).toBe("replay");
    expect((await rejection(replay.getRange(ESZ3_WEEK))).message).toBe(
      "replay timeseries.get_range 503: down",
    );
  });
});

describe("network failures are ProviderUnavailable", () => {
  it("connection refused", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const e = await rejection(client({ baseUrl: `http://127.0.0.1:${port}` }).getRange(ESZ3_WEEK));
    expect(e).toMatchObject({ _tag: "ProviderUnavailable", status: 0 });
    expect(e.message).toMatch(/^databento timeseries\.get_range: fetch failed: .*ECONNREFUSED/);
  });

  it("a timeout", async () => {
    upstream.handle(() => undefined);
    const e = await rejection(getRange({ timeoutMs: 200 }));
    expect(e).toMatchObject({
      _tag: "ProviderUnavailable",
      status: 0,
      message: "databento timeseries.get_range: timed out after 200 ms",
    });
  });

  it("the caller's abort, before and during the call", async () => {
    upstream.handle(() => undefined);
    const before = new AbortController();
    before.abort();
    expect(await rejection(client().getRange(ESZ3_WEEK, before.signal))).toMatchObject({
      _tag: "ProviderUnavailable",
      message: "databento timeseries.get_range: aborted by the caller before sending",
    });
    const during = new AbortController();
    const pending = client().getRange(ESZ3_WEEK, during.signal);
    setTimeout(() => during.abort(), 50);
    expect(await rejection(pending)).toMatchObject({
      _tag: "ProviderUnavailable",
      message: "databento timeseries.get_range: aborted by the caller",
    });
  });
});

describe("metadata.get_dataset_range", () => {
  it("GETs with the dataset and returns the ohlcv-1m range", async () => {
    upstream.handle(() =>
      json(200, {
        start: "2010-06-06T00:00:00.000000000Z",
        end: "2024-06-01T00:00:00.000000000Z",
        schema: {
          mbo: { start: "2017-05-21T00:00:00.000000000Z", end: "2024-06-01T00:00:00.000000000Z" },
          "ohlcv-1m": {
            start: "2010-06-07T00:00:00.000000000Z",
            end: "2024-05-31T23:59:00.000000000Z",
          },
        },
      }),
    );
    const range = await client().getDatasetRange("GLBX.MDP3");
    expect(range).toEqual({
      start: "2010-06-07T00:00:00.000000000Z",
      end: "2024-05-31T23:59:00.000000000Z",
    });
    const [seen] = upstream.seen;
    expect(seen?.method).toBe("GET");
    expect(seen?.path).toBe("/v0/metadata.get_dataset_range");
    expect(seen?.query.get("dataset")).toBe("GLBX.MDP3");
  });

  it("falls back to the dataset-wide range, then to start_date/end_date", async () => {
    upstream.handle(() =>
      json(200, { start: "2013-10-06T22:00:00Z", end: "2013-10-11T21:15:00Z" }),
    );
    expect(await client().getDatasetRange("GLBX.MDP3")).toEqual({
      start: "2013-10-06T22:00:00Z",
      end: "2013-10-11T21:15:00Z",
    });
    upstream.handle(() => json(200, { start_date: "2013-10-06", end_date: "2013-10-12" }));
    expect(await client().getDatasetRange("GLBX.MDP3")).toEqual({
      start: "2013-10-06",
      end: "2013-10-12",
    });
  });

  it("an answer without a range is ProviderUnavailable", async () => {
    upstream.handle(() => json(200, { hello: "world" }));
    const e = await rejection(client().getDatasetRange("GLBX.MDP3"));
    expect(e._tag).toBe("ProviderUnavailable");
    expect(e.message).toMatch(
      /^databento metadata.get_dataset_range: undecodable response: no start\/end/,
    );
  });
});

describe("secrecy", () => {
  it("no error message in this file contained the API key", () => {
    expect(messages.length).toBeGreaterThan(15);
    for (const m of messages) expect(m).not.toContain(API_KEY);
  });
});
