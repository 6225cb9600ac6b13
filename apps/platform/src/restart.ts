import { setTimeout as sleep } from "node:timers/promises";
import { reachable } from "./services.ts";

/** The dependencies the platform may be told it may restart. */
export const DEPENDENCIES = ["redis", "postgres"] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/**
 * How to stop and start one dependency the platform was given (its own, never a shared
 * one): `start` resolves once it is running again.
 */
export interface RestartableService {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface RestartWindow {
  readonly service: Dependency;
  readonly downAt: string;
  readonly upAt: string;
}

const UP_WAIT_MS = 30_000;

const accepts = (url: URL): Promise<boolean> =>
  reachable(url.hostname, Number(url.port || (url.protocol.startsWith("redis") ? 6379 : 5432)));

/**
 * Stops it, leaves it down `downMs`, starts it, and answers once its address accepts
 * connections again (its URL, as the instances are given it). One restart of a service
 * at a time: a second waits for the first.
 */
export const makeRestarter = (
  services: Partial<Record<Dependency, RestartableService>>,
  urls: Partial<Record<Dependency, string | undefined>>,
) => {
  const running = new Map<Dependency, Promise<unknown>>();
  const once = async (name: Dependency, service: RestartableService, downMs: number) => {
    await service.stop();
    const downAt = new Date().toISOString();
    await sleep(downMs);
    await service.start();
    const url = urls[name];
    for (let waited = 0; url && !(await accepts(new URL(url))); waited += 100) {
      if (waited > UP_WAIT_MS) throw new Error(`${name} did not accept connections again`);
      await sleep(100);
    }
    return { service: name, downAt, upAt: new Date().toISOString() } satisfies RestartWindow;
  };
  return {
    restartable: DEPENDENCIES.filter((d) => services[d] !== undefined),
    restart: (name: Dependency, downMs: number): Promise<RestartWindow> | undefined => {
      const service = services[name];
      if (!service) return undefined;
      const next = (running.get(name) ?? Promise.resolve())
        .catch(() => {})
        .then(() => once(name, service, downMs));
      running.set(name, next);
      return next;
    },
  };
};
