import type { MemoryPoint } from "../../../src/scale-test/data.ts";
import type { StoredUpload } from "../../../src/scale-test/profiles/uploads/data.ts";
import type {
  UploadRecord,
  UploadsEvidence,
} from "../../../src/scale-test/profiles/uploads/evidence.ts";
import { QUICK_SOAK_RSS_POLICY } from "../../../src/scale-test/profiles/uploads/plan.ts";
import { healthyPoint } from "../../../src/scale-test/testing/memory.ts";

/**
 * Uploads evidence shaped like a quick run on a 2-instance cluster: 12 x 10 MB at once,
 * then 12 over a 60 s soak; plain data for the pure judge, each test breaking one thing.
 */
const T0 = Date.parse("2026-11-26T22:00:00Z");
const MB = 1024 * 1024;
const CHUNK = 4 * MB;

const upload = (index: number, phase: UploadRecord["phase"], startedAt: number): UploadRecord => {
  const size = 10 * MB;
  const chunks = [0, 1, 2].map((n) => ({
    n,
    size: Math.min(CHUNK, size - n * CHUNK),
    sha256: `c${index}-${n}${"0".repeat(58)}`,
  }));
  return {
    index,
    phase,
    filename: `run_x-${String(index).padStart(3, "0")}.bin`,
    size,
    sha256: `f${index}${"1".repeat(62)}`,
    chunks,
    id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    startedAt,
    endedAt: startedAt + 900 + (index % 3) * 50,
    jobId: String(100 + index),
    failure: null,
    acked: [0, 1, 2],
    retries: 0,
    instances: ["i1", "i2"],
  };
};

const storedOf = (u: UploadRecord): StoredUpload => ({
  id: u.id ?? "",
  status: "finalized",
  declaredSize: u.size,
  declaredSha256: u.sha256,
  chunks: u.chunks.map((c) => ({ ...c, actualSha256: c.sha256 })),
  jobs: 1,
  jobStatus: "completed",
  jobVerified: true,
  jobSha256: u.sha256,
  jobFinishes: 1,
});

const memory = (from: number, to: number, rssMb: (instanceId: string, t: number) => number) =>
  ["i1", "i2"].flatMap((instanceId) =>
    Array.from({ length: Math.floor((to - from) / 1000) + 1 }, (_, k): MemoryPoint => {
      const at = from + k * 1000;
      const rss = rssMb(instanceId, at - from) * MB;
      // a healthy sample (whatever fields samples have), with this run's rss
      return { ...healthyPoint(instanceId, k, at), bootId: `${instanceId}-b`, rss, postGcRss: rss };
    }),
  );

export const recordedUploads = (
  rssMb: (instanceId: string, t: number) => number = (id, t) =>
    (id === "i1" ? 310 : 260) + ((t / 1000) % 4) * 3,
): UploadsEvidence => {
  const burst = Array.from({ length: 12 }, (_, i) => upload(i, "concurrent", T0 + i * 10));
  const soakFrom = T0 + 8_000;
  const soak = Array.from({ length: 12 }, (_, k) => upload(12 + k, "soak", soakFrom + k * 5_000));
  const uploads = [...burst, ...soak];
  return {
    source: "generated",
    bounds: {
      concurrent: 12,
      size: 10 * MB,
      chunkBytes: CHUNK,
      failuresMax: 3,
      rssPassMb: 2_048,
      rssFailMb: 3_072,
      soakUploads: 12,
      soakMs: 60_000,
      soakFailurePct: 5,
      soakTimeDriftPct: 20,
      rssPolicy: QUICK_SOAK_RSS_POLICY,
    },
    burst: { from: T0, to: T0 + 7_000 },
    soak: { from: soakFrom, to: soakFrom + 61_000 },
    uploads,
    stored: uploads.map(storedOf),
    queue: Array.from({ length: 70 }, (_, k) => ({
      at: T0 + k * 1000,
      pending: k < 4 ? 12 - 3 * k : k % 5 === 0 ? 1 : 0,
      cap: 50,
    })),
    memory: memory(T0 - 2_000, soakFrom + 63_000, rssMb),
  };
};
