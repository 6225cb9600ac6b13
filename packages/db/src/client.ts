import postgres from "postgres";

export type Sql = postgres.Sql;

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/scaleproof";

export interface ConnectOptions {
  readonly max?: number;
  /** Application name shown in pg_stat_activity: which instance holds which connection. */
  readonly applicationName?: string;
  /** Seconds an idle connection is kept (0: forever). */
  readonly idleTimeoutSec?: number;
  /** Seconds to wait for a connection before failing (postgres.js's default is 30). */
  readonly connectTimeoutSec?: number;
}

/** Seconds before reconnecting after the n-th failed connect in a row: 10 ms doubling, at most 100 ms. */
export const reconnectBackoffSec = (retries: number): number => Math.min(0.01 * 2 ** retries, 0.1);

export const connect = (url: string, options: ConnectOptions = {}): Sql =>
  postgres(url, {
    max: options.max ?? 10,
    idle_timeout: options.idleTimeoutSec ?? 30,
    connect_timeout: options.connectTimeoutSec ?? 5,
    // After a failed connect postgres.js waits before the next one, 3^n/100 s up to 20 s
    // by default, and queries queued meanwhile wait with it: in an outage that lasts, a
    // request hung for up to 20 s instead of failing at once (503 DATABASE_UNAVAILABLE).
    // Reconnects are made only for queries, so a short cap does not hammer the server.
    backoff: reconnectBackoffSec,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "scaleproof" },
    // bigint columns come back as JS bigint, never as a lossy number.
    types: { bigint: postgres.BigInt },
  });

/**
 * Creates the database named in `url` when it does not exist yet (connecting to the
 * server's `postgres` database to do it). Safe to call from many processes at once.
 */
export const ensureDatabase = async (
  url: string,
  options: { readonly connectTimeoutSec?: number } = {},
): Promise<void> => {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error("DATABASE_URL names no database");
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), {
    max: 1,
    onnotice: () => {},
    connect_timeout: options.connectTimeoutSec ?? 30,
  });
  try {
    const [row] = await sql`select 1 as ok from pg_database where datname = ${name}`;
    if (row) return;
    await sql.unsafe(`create database ${quoteIdent(name)}`).catch((e: unknown) => {
      // Another process created it between our check and our create: that is fine
      // (42P04 duplicate_database, or 23505 when both creates raced in the catalog).
      if (!(e instanceof postgres.PostgresError && (e.code === "42P04" || e.code === "23505"))) {
        throw e;
      }
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
};

export const dropDatabase = async (url: string): Promise<void> => {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
};

/** Identifiers cannot be bound as parameters; this is the one place we quote by hand. */
const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
