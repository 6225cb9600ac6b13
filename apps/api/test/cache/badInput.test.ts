import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsPath, barsRange, get } from "../support/http.ts";
import { ADMIN_TOKEN, TOKEN_ENV } from "../support/ops.ts";

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("bad-input", { instances: 1, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

const fields = (body: unknown) =>
  (body as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field);

/** No bars value, lease or cached error in this cluster's namespace: bad input caches nothing. */
const cachedKeys = () => c.redis.keys(`${c.keyPrefix}bars:*`);

describe("bad input to /api/bars", () => {
  it("400 names the offending fields", async () => {
    const r = barsRange(7, 10);
    const cases: [string, string[]][] = [
      [`/api/bars?${new URLSearchParams({ symbol: "ES", tf: "7m", ...r })}`, ["tf"]],
      [
        `/api/bars?${new URLSearchParams({ symbol: "ES", tf: "1m", start: r.end, end: r.start })}`,
        ["end"],
      ],
      [`/api/bars?${new URLSearchParams({ symbol: "ES;DROP", tf: "1m", ...r })}`, ["symbol"]],
      [
        `/api/bars?${new URLSearchParams({ symbol: "ES", tf: "1m", start: "yesterday", end: r.end })}`,
        ["start"],
      ],
      ["/api/bars?symbol=ES", ["tf", "start", "end"]],
      [`/api/bars?${new URLSearchParams({ symbol: "ES", tf: "1m", ...r, extra: "1" })}`, ["extra"]],
    ];
    for (const [path, expected] of cases) {
      const a = await get(c.url + path);
      expect(a.status, path).toBe(400);
      expect(fields(a.body), path).toEqual(expected);
    }
    expect(await cachedKeys()).toEqual([]);
  });

  it("a range beyond the data is 404 with the available range, and is not cached", async () => {
    const a = await get(
      c.url + barsPath({ start: "2020-01-06T00:00:00Z", end: "2020-01-07T00:00:00Z" }),
    );
    expect(a.status).toBe(404);
    expect(a.body).toMatchObject({ error: { code: "RANGE_UNAVAILABLE" } });
    expect((a.body as { error: { message: string } }).error.message).toMatch(
      /has data from 2013-10-06/,
    );
    expect(await cachedKeys()).toEqual([]);
  });

  it("a symbol the provider does not know is 404, and is not cached", async () => {
    const a = await get(c.url + barsPath(barsRange(7, 11), "ZZ"));
    expect(a.status).toBe(404);
    expect(a.body).toMatchObject({ error: { code: "NOT_FOUND_AT_PROVIDER" } });
    expect(await cachedKeys()).toEqual([]);
  });

  it("tRPC bars.get gives the same 400 with the fields", async () => {
    const input = encodeURIComponent(
      JSON.stringify({ symbol: "ES", tf: "7m", ...barsRange(7, 10) }),
    );
    const res = await fetch(`${c.url}/trpc/bars.get?input=${input}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("tf");
  });
});

describe("instance identity", () => {
  it("every response names its instance and boot; public health says ok only, admins see details", async () => {
    const pub = await get(`${c.url}/ops/health`);
    expect(pub.status).toBe(200);
    expect(pub.instanceId).toBe("i1");
    expect(pub.body).toEqual({ status: "ok" });
    const a = await get(`${c.url}/ops/health`, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(a.body).toMatchObject({
      status: "ok",
      instanceId: "i1",
      redis: { ok: true },
      postgres: { ok: true },
      provider: "replay",
    });
    const t = await fetch(`${c.url}/trpc/health`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const body = (await t.json()) as { result: { data: { bootId: string } } };
    expect(body.result.data.bootId).toBe(t.headers.get("x-boot-id"));
    expect(body.result.data.bootId).toBe((a.body as { bootId: string }).bootId);
    const anon = (await (await fetch(`${c.url}/trpc/health`)).json()) as {
      result: { data: unknown };
    };
    expect(anon.result.data).toEqual({ status: "ok" });
  });
});
