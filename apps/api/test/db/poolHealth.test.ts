import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { chromium } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exhaustionKey } from "../../src/db-health/keys.ts";
import { SPA_DIR } from "../../src/http/spa.ts";
import { REPO_ROOT, startTestCluster, type TestCluster } from "../support/cluster.ts";
import { get } from "../support/http.ts";
import {
  ADMIN_TOKEN,
  adminClient,
  checkOf,
  READ_TOKEN,
  TOKEN_ENV,
  waitForRun,
} from "../support/ops.ts";
import { type PrivateServer, startPrivatePostgres } from "../support/privateServers.ts";

/**
 * Pool health on real processes and a real Postgres of this file's own, whose
 * max_connections is small enough to run out of: the endpoint's numbers against
 * pg_stat_activity, a real 53300 counted as pool exhaustion (per instance, in /metrics
 * and in the cluster's Redis count) and shown in the Instances tab, and the preflight
 * refusing a run whose pools could exhaust the server, naming the numbers.
 */
const MAX_CONNECTIONS = 12;
let pg: PrivateServer;
let c: TestCluster;
let admin: postgres.Sql;
let dbUrl: string;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const boot = postgres(`${pg.url}/postgres`, { max: 1, onnotice: () => {} });
  await boot.unsafe(`alter system set max_connections = ${MAX_CONNECTIONS}`);
  await boot.end();
  await pg.stop();
  await pg.start();
  dbUrl = `${pg.url}/sp_pool`;
  c = await startTestCluster("pool-health", {
    instances: 1,
    env: { ...TOKEN_ENV, DATABASE_URL: dbUrl, DB_POOL_MAX: "30", DB_IDLE_TIMEOUT_S: "120" },
  });
  admin = postgres(dbUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await admin?.end();
  await c?.close();
  await pg?.close();
});

const pool = (token: string | null, pin = "i1") =>
  get(`${c.url}/ops/health/pool`, {
    [HEADERS.routeTo]: pin,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
type PoolBody = {
  instanceId: string;
  max: number;
  total: number;
  idle: number;
  listener: number;
  inFlight: number;
  waiting: number;
  status: string;
  exhaustion: { connectTimeouts: number; tooManyConnections: number };
};

describe("GET /ops/health/pool", () => {
  it("is admin-only: 401 without a token, 403 for the viewer", async () => {
    expect((await pool(null)).status).toBe(401);
    expect((await pool(READ_TOKEN)).status).toBe(403);
  });

  it("answers the instance's pool: its size from DB_POOL_MAX, connections as Postgres counts them", async () => {
    const r = await pool(ADMIN_TOKEN);
    expect(r.status).toBe(200);
    expect(r.instanceId).toBe("i1");
    const body = r.body as PoolBody;
    expect(body).toMatchObject({
      instanceId: "i1",
      max: 30,
      listener: 1,
      waiting: 0,
      status: "healthy",
    });
    // Postgres's own view, by the instance's application name: the pool's connections
    // (the one asking among them, busy) and one LISTEN connection beside them.
    const [seen] = await admin<{ n: number; listening: number }[]>`
      select count(*)::int as n, count(*) filter (where query ilike 'listen %')::int as listening
        from pg_stat_activity where application_name = 'scaleproof:i1'`;
    expect(seen?.listening).toBe(1);
    expect(body.total).toBeGreaterThanOrEqual(1);
    expect(body.total).toBeLessThanOrEqual((seen?.n ?? 0) - 1 + 2); // one may open or close meanwhile
    expect(body.idle).toBeLessThan(body.total);
  });
});

describe("pool.list", () => {
  it("shows every instance's published reading, live (for the Instances tab)", async () => {
    const client = adminClient(c.url);
    let list = await client.pool.list.query();
    for (let i = 0; i < 50 && list.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      list = await client.pool.list.query();
    }
    expect(list.map((p) => [p.instanceId, p.max, p.live])).toEqual([["i1", 30, true]]);
  });
});

describe("a Postgres with no connection left", () => {
  it("53300 is counted as pool exhaustion: the pool says critical, /metrics and the cluster count agree", async () => {
    // Every query of the burst below waits behind this lock, holding its connection, so
    // the instance must open more connections than it has, whatever it held before (the
    // earlier tests' bursts may have left it enough to answer 40 quick reads otherwise).
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let onLocked = () => {};
    const locked = new Promise<void>((r) => {
      onLocked = r;
    });
    const holder = admin.begin(async (tx) => {
      await tx`lock table jobs in access exclusive mode`;
      onLocked();
      await released;
    });
    await locked;
    // Take every connection the server has left, as other clients of a shared database would.
    const hogs: postgres.Sql[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const hog = postgres(dbUrl, { max: 1, onnotice: () => {}, connect_timeout: 2 });
      try {
        await hog`select 1`;
        hogs.push(hog);
      } catch {
        await hog.end({ timeout: 1 });
        break;
      }
    }
    expect(hogs.length).toBeGreaterThan(0);
    try {
      // More queries at once than the instance has connections: it must open more, and
      // cannot. Once one is refused, the lock goes and the waiting ones are answered.
      let refused = () => {};
      const firstRefusal = new Promise<void>((r) => {
        refused = r;
      });
      const burst = Array.from({ length: 40 }, () =>
        get(`${c.url}/api/backtests?limit=5`).then((a) => {
          if (a.status === 503) refused();
          return a;
        }),
      );
      await firstRefusal;
      release();
      await holder;
      const answers = await Promise.all(burst);
      expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
      // The three counts are read one after another while the instance may still be
      // failing to connect: read them until they agree (a counter that only one source
      // advances never does).
      const sample = async () => {
        const body = (await pool(ADMIN_TOKEN)).body as PoolBody;
        const metrics = await fetch(`${c.url}/metrics`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        }).then((r) => r.text());
        const line = metrics
          .split("\n")
          .find((l) =>
            l.startsWith('scaleproof_pg_pool_exhaustion_total{kind="too_many_connections"'),
          );
        const cluster = await c.redis.hgetall(exhaustionKey(c.keyPrefix));
        const counted = Object.entries(cluster)
          .filter(([k]) => k.startsWith("i1:") && k.endsWith(":too_many_connections"))
          .reduce((a, [, v]) => a + Number(v), 0);
        return { body, metric: Number(line?.split(" ").at(-1)), counted };
      };
      let s = await sample();
      for (let i = 0; i < 50; i++) {
        const again = await sample();
        const settled =
          again.metric === again.body.exhaustion.tooManyConnections &&
          again.counted === again.body.exhaustion.tooManyConnections &&
          again.body.exhaustion.tooManyConnections === s.body.exhaustion.tooManyConnections;
        s = again;
        if (settled) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(s.body.exhaustion.tooManyConnections).toBeGreaterThanOrEqual(1);
      expect(s.body.status).toBe("critical");
      expect(s.metric).toBe(s.body.exhaustion.tooManyConnections);
      expect(s.counted).toBe(s.body.exhaustion.tooManyConnections);
    } finally {
      release();
      await holder.catch(() => undefined);
      await Promise.all(hogs.map((h) => h.end({ timeout: 1 })));
    }
  });

  it("the Instances tab shows each instance's pool, red (critical) after the exhaustion", async () => {
    if (!existsSync(path.join(SPA_DIR, "index.html"))) {
      throw new Error("apps/web is not built: run `pnpm build` (pnpm check does)");
    }
    const shots = path.join(REPO_ROOT, "test-artifacts", "screenshots");
    mkdirSync(shots, { recursive: true });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(c.url);
      await page.getByTestId("token").fill(ADMIN_TOKEN);
      await page.getByTestId("login").click();
      await page.getByRole("tab", { name: "Instances" }).click();
      const cell = page.getByTestId("pool-i1");
      await expect
        .poll(() => cell.getAttribute("data-status"), { timeout: 10_000 })
        .toBe("critical");
      expect(await cell.textContent()).toMatch(/^\d+\/30 open, \d+ idle, \d+ waiting$/);
      await page.screenshot({ path: path.join(shots, "instances-pool-critical.png") });
    } finally {
      await browser.close();
    }
  });

  it("the preflight refuses a run whose pools could exhaust the server: FAIL naming the numbers, no traffic", async () => {
    const client = adminClient(c.url);
    const { id } = await client.scaleTest.run.mutate({ profile: "cache", quick: true });
    const run = await waitForRun(client, id);
    expect(run.status).toBe("failed");
    const budget = checkOf(run, "preflight.connection_budget");
    expect(budget).toMatchObject({ actual: 32, pass: false });
    expect(budget.expected).toBe(
      `<= 4 (max_connections ${MAX_CONNECTIONS} - superuser_reserved_connections 3 - margin 5 = 4)`,
    );
    expect(budget.detail).toBe("1 instance x (pool 30 + 1 listener + 1 spare) = 32");
    expect(run.metrics["preflight.refused"]).toMatch(
      /preflight\.connection_budget 32, expected <= 4/,
    );
    expect(run.checks.map((k) => k.step)).toEqual(["preflight", "preflight", "preflight"]);
    const [events] = await admin<{ n: number }[]>`
      select count(*)::int as n from bars_request_events where run_id = ${id}`;
    expect(events?.n).toBe(0);
  });
});
