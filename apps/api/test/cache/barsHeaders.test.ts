import { HEADERS } from "@scaleproof/core/wire/headers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsPath, barsRange } from "../support/http.ts";

/**
 * The bars route writes its headers once, identity included, instead of letting the
 * identity middleware add them to a finished response (issue 17): its answers must still
 * carry exactly what every other response carries.
 */
let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("bars-headers", { instances: 1 });
});
afterAll(async () => {
  await c?.close();
});

const read = async (path: string, method = "GET") => {
  const res = await fetch(c.instanceUrl("i1") + path, { method });
  // Not compared: the date, and how the connection is kept (a client's choice per request).
  const headers = Object.fromEntries(
    [...res.headers].filter(([name]) => !["date", "connection", "keep-alive"].includes(name)),
  );
  return { status: res.status, headers, bytes: Buffer.from(await res.arrayBuffer()) };
};

const IDENTITY = [HEADERS.instanceId, HEADERS.bootId, HEADERS.appVersion] as const;
const identityOf = (headers: Record<string, string>) => IDENTITY.map((name) => headers[name]);

describe("bars response headers", () => {
  it("MISS, HIT and HEAD carry the same headers, identity the same as any other route's", async () => {
    const path = barsPath(barsRange(11, 18));
    const miss = await read(path);
    const hit = await read(path);
    const head = await read(path, "HEAD");
    const live = await read("/ops/live");
    expect([miss.headers[HEADERS.cache], hit.headers[HEADERS.cache]]).toEqual(["MISS", "HIT"]);
    const key = miss.headers[HEADERS.cacheKey];
    expect(key).toMatch(/bars:/);
    const expected = {
      "content-type": "application/json",
      "content-length": String(miss.bytes.length),
      [HEADERS.cacheKey]: key,
      ...Object.fromEntries(IDENTITY.map((name) => [name, live.headers[name]])),
    };
    expect(identityOf(live.headers).every((v) => typeof v === "string" && v.length > 0)).toBe(true);
    expect(miss).toMatchObject({ status: 200, headers: { ...expected, [HEADERS.cache]: "MISS" } });
    expect(hit).toMatchObject({ status: 200, headers: { ...expected, [HEADERS.cache]: "HIT" } });
    expect(Object.keys(hit.headers).sort()).toEqual(Object.keys(miss.headers).sort());
    expect(hit.bytes.equals(miss.bytes)).toBe(true);
    // HEAD: the GET's headers but the length (no body), as before the route wrote its own.
    expect(head.status).toBe(200);
    expect(head.bytes.length).toBe(0);
    const { "content-length": _, ...withoutLength } = hit.headers;
    expect(head.headers).toEqual(withoutLength);
  });

  it("a query answered before still validates the same way when a field changes", async () => {
    const r = barsRange(11, 19);
    const good = barsPath(r);
    const first = await read(good);
    const again = await read(good);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers[HEADERS.cacheKey]).toBe(first.headers[HEADERS.cacheKey]);
    const bad = `${good}&extra=1`;
    for (const answer of [await read(bad), await read(bad)]) {
      expect(answer.status).toBe(400);
      const body = JSON.parse(answer.bytes.toString()) as {
        error: { fields: { field: string }[] };
      };
      expect(body.error.fields.map((f) => f.field)).toEqual(["extra"]);
      expect(identityOf(answer.headers)).toEqual(identityOf(first.headers));
    }
  });
});
