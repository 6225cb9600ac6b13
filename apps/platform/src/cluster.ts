import { randomBytes } from "node:crypto";
import path from "node:path";
import { type Child, spawnChild, stopChild, waitForLine } from "./child.ts";
import { FrontDoor } from "./frontDoor.ts";
import { Supervisor } from "./supervisor.ts";

export const REPLAY_ENTRY = path.resolve(import.meta.dirname, "../replay/main.ts");

export interface ClusterOptions {
  readonly instances: number;
  /** Front door port; 0 picks a free one. */
  readonly port: number;
  /** Environment for every instance (DATABASE_URL, REDIS_URL, cache settings...). */
  readonly env: Record<string, string>;
  /** Without a Databento key the cluster starts the replay upstream and points instances at it. */
  readonly databentoApiKey?: string | undefined;
  readonly replayEnv?: Record<string, string>;
  readonly onLine: (source: string, line: string) => void;
  readonly onRestart?: (instanceId: string, exit: string) => void;
}

export interface Cluster {
  readonly url: string;
  readonly replay: { readonly url: string; readonly apiKey: string } | undefined;
  readonly supervisor: Supervisor;
  stop(): Promise<void>;
}

/** Replay upstream (when needed), N instances and the front door, started in that order. */
export const startCluster = async (options: ClusterOptions): Promise<Cluster> => {
  const children: Child[] = [];
  let replay: Cluster["replay"];
  let providerEnv: Record<string, string>;
  if (options.databentoApiKey) {
    providerEnv = { DATABENTO_API_KEY: options.databentoApiKey, BARS_PROVIDER: "databento" };
  } else {
    const apiKey = `replay-${randomBytes(16).toString("hex")}`;
    const child = spawnChild({
      entry: REPLAY_ENTRY,
      env: { PORT: "0", ...options.replayEnv, REPLAY_API_KEY: apiKey },
      onLine: (line) => options.onLine("replay", line),
    });
    children.push(child);
    const url = await waitForLine(
      child,
      (j) => (typeof j.url === "string" ? j.url : undefined),
      "replay upstream",
    );
    replay = { url, apiKey };
    providerEnv = { DATABENTO_API_KEY: apiKey, DATABENTO_BASE_URL: url, BARS_PROVIDER: "replay" };
  }
  // The instances learn the front door's URL (their scale-test target) once it listens,
  // which is before any of them starts: the supervisor reads this object at each start.
  const instanceEnv: Record<string, string> = {
    FAULTS_ENABLED: "true",
    // Short job leases locally, so a crashed instance's job is retried within seconds.
    JOBS_LEASE_MS: "3000",
    CLUSTER_INSTANCES: String(options.instances),
    ...options.env,
    ...providerEnv,
  };
  const supervisor = new Supervisor({
    env: instanceEnv,
    onLine: options.onLine,
    ...(options.onRestart ? { onRestart: options.onRestart } : {}),
  });
  // Lets the cluster's own instances (the scale-test runner) narrow the front door to
  // one instance for the scaling check; nobody else knows the token.
  const controlToken = randomBytes(16).toString("hex");
  const frontDoor = new FrontDoor(supervisor, controlToken);
  const stop = async () => {
    await frontDoor.close();
    await supervisor.stop();
    await Promise.all(children.map((c) => stopChild(c.process)));
  };
  try {
    const url = await frontDoor.listen(options.port);
    instanceEnv.SCALE_TEST_TARGET_URL ??= url;
    instanceEnv.CLUSTER_CONTROL_URL = url;
    instanceEnv.CLUSTER_CONTROL_TOKEN = controlToken;
    await Promise.all(
      Array.from({ length: options.instances }, (_, i) => supervisor.add(`i${i + 1}`)),
    );
    return { url, replay, supervisor, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
