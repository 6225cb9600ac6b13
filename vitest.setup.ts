import { ensureServices } from "./apps/platform/src/services.ts";

/** Tests run against the real servers: start the local ones if they are down. */
export default async function setup(): Promise<void> {
  await ensureServices(
    process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    (line) => console.log(line),
  );
}
