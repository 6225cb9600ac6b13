import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Sql } from "./client.ts";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../../migrations");

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const FILE = /^(\d{5})_([a-z0-9_]+)\.sql$/;

export const loadMigrations = async (dir = MIGRATIONS_DIR): Promise<Migration[]> => {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = FILE.exec(file);
    if (!m?.[1] || !m[2]) throw new Error(`migration file name ${file} is not NNNNN_name.sql`);
    const version = Number(m[1]);
    if (out.some((x) => x.version === version))
      throw new Error(`two migrations numbered ${version}`);
    out.push({ version, name: m[2], sql: await readFile(path.join(dir, file), "utf8") });
  }
  return out;
};

/** Arbitrary constant: every process migrating the same database serialises on it. */
const MIGRATION_LOCK = 7_346_112_001;

/**
 * Applies the migrations not yet recorded, each in its own transaction together with
 * its record, in version order. Forward-only: a recorded migration is never re-run,
 * and a database that knows a version we do not ship is refused.
 */
export const migrate = async (sql: Sql, dir = MIGRATIONS_DIR): Promise<number[]> => {
  const migrations = await loadMigrations(dir);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`;
    const rows = await tx<{ version: number }[]>`select version from schema_migrations`;
    const applied = new Set(rows.map((r) => r.version));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new Error(`database has migrations this build does not know: ${unknown.join(", ")}`);
    }
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await tx.savepoint(async (sp) => {
        await sp.unsafe(m.sql);
        await sp`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`;
      });
      done.push(m.version);
    }
    return done;
  });
};
