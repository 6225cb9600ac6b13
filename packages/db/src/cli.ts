import { connect, DEFAULT_DATABASE_URL, ensureDatabase } from "./client.ts";
import { migrate } from "./migrate.ts";

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
await ensureDatabase(url);
const sql = connect(url, { max: 1, applicationName: "scaleproof-migrate" });
try {
  const applied = await migrate(sql);
  console.log(
    applied.length ? `applied migrations ${applied.join(", ")}` : "database is up to date",
  );
} finally {
  await sql.end({ timeout: 5 });
}
