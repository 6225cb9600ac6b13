import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropDatabase, ensureDatabase } from "../src/client.ts";
import { MIGRATIONS_DIR, migrate } from "../src/migrate.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("sp_migrate");
});
afterAll(async () => {
  await db?.drop();
});

describe("migrate", () => {
  it("records what it applied and applies nothing twice", async () => {
    const rows = await db.sql<{ version: number }[]>`select version from schema_migrations`;
    expect(rows.map((r) => r.version)).toContain(1);
    expect(await migrate(db.sql)).toEqual([]);
  });

  it("rolls a failing migration back whole, recording nothing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sp-mig-"));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await writeFile(
      path.join(dir, "00900_broken.sql"),
      "create table half_done (id int); select * from no_such_table;",
    );
    await expect(migrate(db.sql, dir)).rejects.toThrow(/no_such_table/);
    const [t] = await db.sql`select to_regclass('half_done') as t`;
    expect(t?.t).toBeNull();
    const [v] = await db.sql`select count(*)::int as n from schema_migrations where version = 900`;
    expect(v?.n).toBe(0);
  });

  it("refuses a database that knows a migration this build does not", async () => {
    await db.sql`insert into schema_migrations (version, name) values (99999, 'from_the_future')`;
    await expect(migrate(db.sql)).rejects.toThrow(/does not know: 99999/);
    await db.sql`delete from schema_migrations where version = 99999`;
  });

  it("is safe when many processes migrate one database at once", async () => {
    const fresh = await createTestDatabase("sp_migrate_race", { migrate: false });
    try {
      const results = await Promise.all([
        migrate(fresh.sql),
        migrate(fresh.sql),
        migrate(fresh.sql),
      ]);
      const applied = results.flat();
      expect(applied.filter((v) => v === 1)).toHaveLength(1);
      const [n] = await fresh.sql`select count(*)::int as n from schema_migrations`;
      expect(n?.n).toBe(applied.length);
    } finally {
      await fresh.drop();
    }
  });
});

describe("ensureDatabase", () => {
  it("many processes creating one new database at once all succeed (regression: 23505 race)", async () => {
    const name = `sp_ensure_race_${Date.now()}`;
    const url = `postgres://postgres@127.0.0.1:5432/${name}`;
    try {
      for (let round = 0; round < 3; round++) {
        await dropDatabase(url);
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => ensureDatabase(url)),
        );
        expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      }
    } finally {
      await dropDatabase(url);
    }
  });
});
