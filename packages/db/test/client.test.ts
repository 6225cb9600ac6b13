import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { connect, reconnectBackoffSec } from "../src/client.ts";

/** A loopback port nobody listens on: connects to it are refused at once. */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe("connect", () => {
  it("reconnects within 100 ms however long the database has been down (not postgres.js's 20 s)", () => {
    const delays = Array.from({ length: 30 }, (_, n) => reconnectBackoffSec(n));
    expect(Math.max(...delays)).toBe(0.1);
    expect(delays[0]).toBe(0.01);
  });

  it("gives the pool that backoff: a backlog of queries against a dead server all fail with the cause", async () => {
    const sql = connect(`postgres://postgres@127.0.0.1:${await closedPort()}/x`, { max: 2 });
    try {
      expect((sql.options as unknown as { backoff: unknown }).backoff).toBe(reconnectBackoffSec);
      const answers = await Promise.all(
        Array.from({ length: 40 }, () =>
          sql`select 1`.then(
            () => "ok",
            (e: { code?: string }) => e.code,
          ),
        ),
      );
      expect(new Set(answers)).toEqual(new Set(["ECONNREFUSED"]));
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
