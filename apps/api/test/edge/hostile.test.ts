import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsRange, get } from "../support/http.ts";
import { ADMIN_TOKEN, TOKEN_ENV } from "../support/ops.ts";

/**
 * What a hostile or unlucky caller found (issue 12): each case fails without its fix.
 * Requests go to the instance itself: how a balancer reports a request whose upload the
 * instance cut short (413/401 before the body) is the balancer's business.
 */
let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("hostile", { instances: 1, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

const MB = 1024 * 1024;
const bootId = async () => (await fetch(`${c.url}/ops/live`)).headers.get("x-boot-id");
/**
 * Each hostile request on a connection of its own, as a hostile client has: a connection
 * whose huge upload the instance cut short is not one a well-behaved request should
 * inherit.
 */
const post = async (
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
) => {
  const dispatcher = new Agent();
  try {
    const res = await undiciFetch(`${c.instanceUrl("i1")}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      dispatcher,
    });
    const text = await res.text();
    return {
      status: res.status,
      json: async () => JSON.parse(text) as unknown,
      text: async () => text,
    };
  } finally {
    await dispatcher.close();
  }
};
const backtest = (extra: Record<string, unknown> = {}) => ({
  symbol: "ES",
  tf: "1m",
  ...barsRange(8, 14, 60),
  ...extra,
});
/** A 50 MB JSON object: one field holding a long string. */
const huge = () => `{"symbol":"${"A".repeat(50 * MB)}"}`;

describe("request bodies", () => {
  it("a 50 MB body is refused with 413 before parsing, on every route, and the instance lives", async () => {
    const before = await bootId();
    for (const [path, headers] of [
      ["/api/backtests", {}],
      ["/trpc/backtests.enqueue", {}],
      ["/ops/scale-test/run", { authorization: `Bearer ${ADMIN_TOKEN}` }],
    ] as const) {
      const res = await post(path, huge(), headers);
      expect(res.status, path).toBe(413);
      const body = (await res.json()) as { error: { code: string; limit: number } };
      expect(body.error.code, path).toBe("PAYLOAD_TOO_LARGE");
      expect(body.error.limit, path).toBeGreaterThan(0);
    }
    expect(await bootId()).toBe(before);
  });

  it("a chunked body (no Content-Length) is cut off at the limit too", async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(ctrl) {
        for (let i = 0; i < 64; i++) ctrl.enqueue(new Uint8Array(64 * 1024).fill(65));
        ctrl.close();
      },
    });
    const dispatcher = new Agent();
    const res = await undiciFetch(`${c.instanceUrl("i1")}/api/backtests`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunks,
      duplex: "half",
      dispatcher,
    });
    expect(res.status).toBe(413);
    await dispatcher.close();
  });

  it("ops routes check the token before reading the body: 401 for 50 MB without one", async () => {
    const res = await post("/ops/scale-test/run", huge());
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
  });
});

describe("idempotent enqueue", () => {
  it("20 concurrent POSTs with one key: all accepted, one job (was 500 'enqueue returned no id')", async () => {
    for (let round = 0; round < 4; round++) {
      const body = JSON.stringify(backtest({ idempotencyKey: `hostile-${round}` }));
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => post("/api/backtests", body)),
      );
      const bodies = await Promise.all(
        answers.map(async (a) => (await a.json()) as { id?: string }),
      );
      expect(
        answers.map((a) => a.status),
        JSON.stringify(bodies),
      ).toEqual(Array(20).fill(202));
      expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    }
  });

  it("a key reused with other parameters is 409, and the stored job is unchanged", async () => {
    const first = await post(
      "/api/backtests",
      JSON.stringify(backtest({ idempotencyKey: "k-409" })),
    );
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    const again = await post(
      "/api/backtests",
      JSON.stringify(backtest({ idempotencyKey: "k-409", fast: 5, slow: 50 })),
    );
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe(
      "IDEMPOTENCY_CONFLICT",
    );
    const stored = await get(`${c.url}/api/backtests/${id}`);
    expect((stored.body as { params: { fast: number } }).params.fast).toBe(10);
  });
});

describe("listing backtests (was always 500: ORDER BY id ambiguous)", () => {
  it("REST and tRPC list answer 200", async () => {
    expect((await get(`${c.url}/api/backtests`)).status).toBe(200);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await get(`${c.url}/api/backtests?runId=none&limit=5`, admin)).status).toBe(200);
    const t = await fetch(`${c.url}/trpc/backtests.list`);
    expect(t.status).toBe(200);
    expect((await get(`${c.url}/api/backtests?limit=0`)).status).toBe(400);
  });
});

describe("errors carry no internals", () => {
  it("tRPC errors, 401s included, have no stack, path or driver message", async () => {
    const answers = [
      await fetch(`${c.url}/trpc/scaleTest.status`),
      await fetch(`${c.url}/trpc/backtests.get?input=${encodeURIComponent('{"id":"x"}')}`),
      await post("/trpc/backtests.enqueue", "{not json"),
    ];
    for (const a of answers) {
      const text = await a.text();
      expect(a.status).toBeGreaterThanOrEqual(400);
      expect(text).not.toMatch(/stack|\/work\/|node_modules|at [A-Za-z]+ \(/);
    }
  });

  it("the token is not accepted from a URL (tRPC connection params)", async () => {
    const params = encodeURIComponent(JSON.stringify({ token: ADMIN_TOKEN }));
    const res = await fetch(`${c.url}/trpc/scaleTest.status?connectionParams=${params}`);
    expect(res.status).toBe(401);
  });

  it("a batch of more than 10 calls is refused", async () => {
    const paths = Array.from({ length: 11 }, () => "health").join(",");
    const res = await fetch(`${c.url}/trpc/${paths}?batch=1&input={}`);
    expect(res.status).toBe(400);
  });

  it("instances.list (boot ids, memory) is for admins only", async () => {
    expect((await fetch(`${c.url}/trpc/instances.list`)).status).toBe(401);
    const admin = await fetch(`${c.url}/trpc/instances.list`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(admin.status).toBe(200);
  });

  it("a missing asset is 404, not the SPA's HTML", async () => {
    const res = await fetch(`${c.url}/assets/nope-123.js`);
    expect(res.status).toBe(404);
  });
});
