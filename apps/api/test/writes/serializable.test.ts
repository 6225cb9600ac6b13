import { createTestDatabase, type TestDatabase } from "@scaleproof/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isSerializationFailure, retrySerializable } from "../../src/uploads/serializable.ts";

/** The retry that finalize runs under, against Postgres's real serialization failures. */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("sp_serializable", { migrate: false });
  await db.sql`create table claims (owner text not null)`;
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`truncate claims`;
});

/** The test database's pool: this many transactions can overlap at once. */
const CALLERS = 4;

/**
 * Everyone's read happens before anyone writes (a barrier, bounded so a caller that
 * never reads cannot hang the rest): the overlap is certain, not left to the scheduler.
 */
const barrier = () => {
  let arrived = 0;
  let open: () => void = () => {};
  const all = new Promise<void>((r) => {
    open = r;
  });
  return async () => {
    if (++arrived >= CALLERS) open();
    await Promise.race([all, new Promise((r) => setTimeout(r, 2_000))]);
  };
};

/** Check-then-insert, the shape of finalize: only SERIALIZABLE makes it safe. */
const claimOnce = (owner: string, readsDone: () => Promise<void>) =>
  db.sql.begin("isolation level serializable", async (tx) => {
    const [row] = await tx<{ owner: string }[]>`select owner from claims`;
    await readsDone();
    if (row) return row.owner;
    await tx`insert into claims (owner) values (${owner})`;
    return owner;
  });

describe("SERIALIZABLE with retry on 40001", () => {
  it("without the retry, concurrent check-then-insert fails with 40001 (so the retry has work to do)", async () => {
    const reads = barrier();
    const results = await Promise.allSettled(
      Array.from({ length: CALLERS }, (_, i) => claimOnce(`o${i}`, reads)),
    );
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => isSerializationFailure(r.reason))).toBe(true);
  });

  it("with it: no errors, one row, and every caller gets the same answer", async () => {
    let retries = 0;
    const reads = barrier();
    const answers = await Promise.all(
      Array.from({ length: CALLERS }, (_, i) =>
        retrySerializable(() => claimOnce(`o${i}`, reads), { onRetry: () => retries++ }),
      ),
    );
    expect(new Set(answers).size).toBe(1);
    const rows = await db.sql`select owner from claims`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.owner).toBe(answers[0]);
    expect(retries).toBeGreaterThan(0);
  });

  it("other errors are not retried", async () => {
    let calls = 0;
    await expect(
      retrySerializable(async () => {
        calls++;
        await db.sql`select 1/0`;
      }),
    ).rejects.toThrow(/division by zero/);
    expect(calls).toBe(1);
  });
});
