import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startTestCluster, type TestCluster } from "../support/cluster.ts";
import { get } from "../support/http.ts";
import { type PrivateServer, startPrivatePostgres } from "../support/privateServers.ts";

/**
 * An instance that boots while its Postgres is down (restarting, or started by the
 * platform at the same moment) waits for it (DB_BOOT_WAIT_S) instead of exiting with
 * ECONNREFUSED to be restarted into the same outage, crash after crash. Before, the
 * boot's first statement threw, the process died and the platform restarted it (with a
 * back-off of up to 5 s, so up to that much longer down after Postgres was back).
 */
let pg: PrivateServer | undefined;
let booting: Promise<TestCluster | undefined> | undefined;

afterAll(async () => {
  // the cluster is closed even when the test failed before it had booted
  await pg?.start().catch(() => {});
  await (await booting)?.close();
  await pg?.close();
});

const LOG = path.join(REPO_ROOT, "test-artifacts", "logs", "boot-wait.log");
const logged = (event: string) => {
  try {
    return readFileSync(LOG, "utf8").includes(`"event":"${event}"`);
  } catch {
    return false;
  }
};

describe("an instance booting while Postgres is down", () => {
  it("waits for Postgres, then boots once: no crash, no restart", async () => {
    rmSync(LOG, { force: true }); // an earlier run's log must not answer for this one
    pg = await startPrivatePostgres();
    await pg.stop();
    let failed: unknown;
    booting = startTestCluster("boot-wait", {
      instances: 1,
      env: { DATABASE_URL: `${pg.url}/sp_boot_wait`, DB_BOOT_WAIT_S: "60" },
    }).catch((error: unknown) => {
      failed = error;
      return undefined;
    });
    // the instance has met the outage: it says it waits (or, without the wait, it died)
    for (let i = 0; i < 600 && !logged("db_boot_wait") && failed === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await pg.start();
    const c = await booting;
    expect(failed).toBeUndefined();
    expect(logged("db_boot_wait")).toBe(true);
    expect(logged("db_boot_ready")).toBe(true);
    const [slot] = c?.supervisor.view() ?? [];
    expect(slot).toMatchObject({ live: true, restarts: 0 });
    expect(slot?.bootIds).toHaveLength(1);
    expect((await get(`${c?.url}/ops/live`)).status).toBe(200);
  });
});
