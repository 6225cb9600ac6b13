import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A span on the system's monotonic clock, in µs (process.hrtime in any process, as V8's). */
export interface Window {
  readonly fromUs: number;
  readonly toUs: number;
}

export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Where a frame's code lives: our source, a package, Node itself, or V8's own buckets. */
const areaOf = (url: string, name: string): string => {
  if (!url) return name.startsWith("(") ? name : "(native)";
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? url;
  const ours = /\/(apps|packages)\/([^/]+)\/src\/(.*)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}/${ours[3]?.split("/")[0]}`;
  if (url.startsWith("node:")) return url.replace(/^node:internal\/(deps\/)?/, "node:");
  return url;
};

/**
 * The layer of a HIT an area belongs to; undefined for the generic plumbing (streams,
 * events, sockets, native calls, microtasks) whose time goes to the layer that called it.
 */
const LAYERS: readonly (readonly [RegExp, string])[] = [
  [/^\(garbage collector\)$/, "GC"],
  [
    /^(ioredis|@ioredis\/commands|redis-parser|denque|standard-as-callback|cluster-key-slot)$/,
    "Redis client (ioredis, its socket writes)",
  ],
  [
    /^node:_http_(server|common|incoming|outgoing)$|^node:http$/,
    "node:http (parse, headers, socket writes)",
  ],
  [/^@hono\/node-server$/, "HTTP adapter (@hono/node-server)"],
  [/^hono$/, "routing, Context (hono)"],
  [/^node:undici/, "Fetch Headers/Request (undici)"],
  [/^zod$/, "validation (zod)"],
  [/^(prom-client|tdigest|bintrees)$|^apps\/api\/metrics$/, "metrics (prom-client)"],
  [/^(pino|pino-std-serializers|sonic-boom|thread-stream|@pinojs\/redact)$/, "logging (pino)"],
  [/^apps\/api\/rateLimits$/, "per-client limit"],
  [/^apps\/api\/memory$/, "shedder (memory reading)"],
  [/^apps\/api\/(http|edge|faults|auth)$/, "middleware, route (ours)"],
  [/^apps\/api\/bars$/, "bars service"],
  [/^apps\/api\/cache$/, "shared cache"],
  [/^(effect|@effect\/.*)$/, "Effect"],
  [/^packages\//, "packages (core)"],
];
const layerOf = (area: string): string | undefined => LAYERS.find(([re]) => re.test(area))?.[1];

/**
 * Busy time by layer: each sample goes to the innermost frame on its stack that belongs
 * to a layer (a socket write called by ioredis is the Redis client's; by node:http, the
 * response's), or to "other" when none does.
 */
const byLayer = (profile: CpuProfile, hitsOf: ReadonlyMap<number, number>): Map<string, number> => {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const layers = new Map<string, number>();
  for (const [id, hits] of hitsOf) {
    const leaf = nodes.get(id);
    if (!leaf || leaf.callFrame.functionName === "(idle)") continue;
    let layer: string | undefined;
    for (let at: number | undefined = id; at !== undefined && !layer; at = parentOf.get(at)) {
      const { url, functionName } = nodes.get(at)?.callFrame ?? { url: "", functionName: "" };
      layer = layerOf(areaOf(url, functionName));
    }
    const name = layer ?? "other (V8, timers, microtasks, plumbing)";
    layers.set(name, (layers.get(name) ?? 0) + hits);
  }
  return layers;
};

/** Self time by area and by function, in ms and as a share of the busy (non-idle) time. */
export const summariseProfile = (
  file: string,
  window?: Window,
  top = 15,
  requests?: number,
): string[] => {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  // Only the samples taken inside the window (boot and shutdown left out).
  const hitsOf = new Map<number, number>();
  let at = profile.startTime;
  let samples = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
    samples += 1;
  });
  const span = window
    ? Math.min(window.toUs, profile.endTime) - Math.max(window.fromUs, profile.startTime)
    : profile.endTime - profile.startTime;
  const msPer = span / 1000 / Math.max(1, samples);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let idle = 0;
  for (const n of profile.nodes) {
    const hits = hitsOf.get(n.id) ?? 0;
    if (hits === 0) continue;
    const { functionName, url } = n.callFrame;
    if (functionName === "(idle)") {
      idle += hits;
      continue;
    }
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
    const fn = `${functionName || "(anonymous)"} ${path.basename(url)}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const busy = samples - idle;
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, hits]) =>
          `  ${name.slice(0, 60).padEnd(62)}${(hits * msPer).toFixed(0).padStart(7)} ms${((100 * hits) / busy).toFixed(1).padStart(7)}%`,
      );
  const perRequest = (hits: number) =>
    requests ? `${((hits * msPer) / requests).toFixed(3).padStart(8)} ms/req` : "";
  const layerRows = [...byLayer(profile, hitsOf).entries()]
    .sort((a, b) => b[1] - a[1])
    .map(
      ([name, hits]) =>
        `  ${name.slice(0, 60).padEnd(62)}${(hits * msPer).toFixed(0).padStart(7)} ms${((100 * hits) / busy).toFixed(1).padStart(7)}%${perRequest(hits)}`,
    );
  return [
    `busy ${(busy * msPer).toFixed(0)} ms of ${(samples * msPer).toFixed(0)} ms sampled${requests ? `; ${perRequest(busy).trim()} over ${requests} requests` : ""}`,
    "busy time by layer (the innermost layer on each sample's stack):",
    ...layerRows,
    "self time by area:",
    ...rows(byArea),
    "self time by function:",
    ...rows(byFunction),
  ];
};

/** The profile with the most samples in a --cpu-prof-dir (the instance's main thread). */
export const busiestProfile = (dir: string): string | undefined => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f));
  const size = (f: string) => (JSON.parse(readFileSync(f, "utf8")) as CpuProfile).samples.length;
  return files.sort((a, b) => size(b) - size(a))[0];
};
