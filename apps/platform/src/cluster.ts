import { randomBytes } from "node:crypto";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { type Child, spawnChild, stopChild, waitForLine } from "./child.ts";
import { type ControlServer, startControlServer } from "./control.ts";
import { replayEntry } from "./entries.ts";
import { Balancer } from "./haproxy/balancer.ts";
import { startHaproxy } from "./haproxy/process.ts";
import { type Dependency, makeRestarter, type RestartableService } from "./restart.ts";
import { Supervisor } from "./supervisor.ts";

/** Balancer slots declared up front: instances can be added later, up to this many. */
export const MAX_INSTANCES = 16;

export interface ClusterOptions {
  readonly instances: number;
  /** The balancer's port; 0 picks a free one. */
  readonly port: number;
  /** Environment for every instance (DATABASE_URL, REDIS_URL, cache settings...). */
  readonly env: Record<string, string>;
  /** Without a Databento key the cluster starts the replay upstream and points instances at it. */
  readonly databentoApiKey?: string | undefined;
  readonly replayEnv?: Record<string, string>;
  readonly onLine: (source: string, line: string) => void;
  readonly onRestart?: (instanceId: string, exit: string) => void;
  /**
   * Dependencies the platform may restart (its control API's POST /services/:name/restart,
   * a scale-test run's infrastructure faults): only ones of its own, never a shared server.
   * The instances are told which (CLUSTER_RESTARTABLE).
   */
  readonly restartable?: Partial<Record<Dependency, RestartableService>>;
}

export interface Cluster {
  /** The load balancer (HAProxy): what clients and the scale-test runner talk to. */
  readonly url: string;
  readonly replay: { readonly url: string; readonly apiKey: string } | undefined;
  readonly supervisor: Supervisor;
  readonly balancer: Balancer;
  /** The control API and its token (given to the cluster's instances only). */
  readonly control: { readonly url: string; readonly token: string };
  stop(): Promise<void>;
}

/** Replay upstream (when needed), HAProxy, the control API, then N instances. */
export const startCluster = async (options: ClusterOptions): Promise<Cluster> => {
  const stops: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const s of [...stops].reverse()) await s();
    })();
    return stopped;
  };
  try {
    const { replay, providerEnv } = await startProvider(options, stops);
    const haproxy = await startHaproxy({
      port: options.port,
      slots: MAX_INSTANCES,
      routeToHeader: HEADERS.routeTo,
      healthPath: "/ops/health",
      onLine: (line) => options.onLine("haproxy", line),
    });
    const balancer = new Balancer(haproxy, MAX_INSTANCES);
    stops.push(() => balancer.stop());
    // Read by the supervisor at every start: the control API's address is added below,
    // before any instance starts.
    const instanceEnv: Record<string, string> = {
      FAULTS_ENABLED: "true",
      // Short job leases locally, so a crashed instance's job is retried within seconds.
      JOBS_LEASE_MS: "3000",
      CLUSTER_INSTANCES: String(options.instances),
      SCALE_TEST_TARGET_URL: balancer.url,
      // HAProxy, on loopback, says who the client is in X-Forwarded-For.
      TRUSTED_PROXIES: "127.0.0.1,::1",
      ...options.env,
      ...providerEnv,
    };
    const restarter = makeRestarter(options.restartable ?? {}, {
      redis: instanceEnv.REDIS_URL,
      postgres: instanceEnv.DATABASE_URL,
    });
    instanceEnv.CLUSTER_RESTARTABLE = restarter.restartable.join(",");
    const supervisor = new Supervisor({
      env: instanceEnv,
      rotation: balancer,
      onLine: options.onLine,
      ...(options.onRestart ? { onRestart: options.onRestart } : {}),
    });
    stops.push(() => supervisor.stop());
    // Lets the cluster's own instances (the scale-test runner) narrow the balancer to
    // one instance for the scaling check; nobody else knows the token.
    const token = randomBytes(16).toString("hex");
    const control: ControlServer = await startControlServer(
      {
        limit: (n) => balancer.limit(n),
        instances: async () => ({
          limit: balancer.limited,
          supervisor: supervisor.view(),
          balancer: await balancer.view(),
        }),
        add: async () => {
          const taken = new Set(supervisor.view().map((v) => v.instanceId));
          let n = taken.size + 1;
          while (taken.has(`i${n}`)) n++;
          await supervisor.add(`i${n}`);
          return `i${n}`;
        },
        stop: async (instanceId) => {
          const slots = supervisor.view();
          if (!slots.some((v) => v.instanceId === instanceId)) return "unknown";
          if (slots.length <= 1) return "last";
          await supervisor.remove(instanceId);
          return "stopped";
        },
        restart: (name, downMs) => restarter.restart(name, downMs),
      },
      token,
    );
    stops.push(() => control.close());
    instanceEnv.CLUSTER_CONTROL_URL = control.url;
    instanceEnv.CLUSTER_CONTROL_TOKEN = token;
    await Promise.all(
      Array.from({ length: options.instances }, (_, i) => supervisor.add(`i${i + 1}`)),
    );
    return {
      url: balancer.url,
      replay,
      supervisor,
      balancer,
      control: { url: control.url, token },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

const startProvider = async (
  options: ClusterOptions,
  stops: (() => Promise<void>)[],
): Promise<{ replay: Cluster["replay"]; providerEnv: Record<string, string> }> => {
  if (options.databentoApiKey) {
    return {
      replay: undefined,
      providerEnv: { DATABENTO_API_KEY: options.databentoApiKey, BARS_PROVIDER: "databento" },
    };
  }
  const apiKey = `replay-${randomBytes(16).toString("hex")}`;
  const child: Child = spawnChild({
    entry: replayEntry(),
    // It announces its URL in an info log line: a quieter LOG_LEVEL must be asked for explicitly.
    env: { PORT: "0", LOG_LEVEL: "info", ...options.replayEnv, REPLAY_API_KEY: apiKey },
    onLine: (line) => options.onLine("replay", line),
  });
  stops.push(() => stopChild(child.process));
  const url = await waitForLine(
    child,
    (j) => (typeof j.url === "string" ? j.url : undefined),
    "replay upstream",
  );
  return {
    replay: { url, apiKey },
    providerEnv: { DATABENTO_API_KEY: apiKey, DATABENTO_BASE_URL: url, BARS_PROVIDER: "replay" },
  };
};
