import { randomBytes } from "node:crypto";
import { connect, DEFAULT_DATABASE_URL, dropDatabase, ensureDatabase, type Sql } from "./client.ts";
import { migrate } from "./migrate.ts";

export interface TestDatabase {
  readonly url: string;
  readonly sql: Sql;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file (real Postgres, no mocks). */
export const createTestDatabase = async (
  prefix = "sp_test",
  options: { readonly migrate?: boolean } = {},
): Promise<TestDatabase> => {
  const base = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  base.pathname = `/${prefix}_${randomBytes(5).toString("hex")}`;
  const url = base.toString();
  await ensureDatabase(url);
  const sql = connect(url, { max: 4, applicationName: "scaleproof-test" });
  if (options.migrate !== false) await migrate(sql);
  return {
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      await dropDatabase(url);
    },
  };
};
