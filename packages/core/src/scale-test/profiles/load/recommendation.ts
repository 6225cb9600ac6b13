/** A run's metric by key, also under a full run's part prefix (`load/load.capacity_rps`). */
const pick = (metrics: Readonly<Record<string, unknown>>, key: string): number | null => {
  const hit = Object.entries(metrics).find(([k]) => k === key || k.endsWith(`/${key}`))?.[1];
  return typeof hit === "number" && Number.isFinite(hit) ? hit : null;
};

/**
 * The load profile's recommendation in words, from its numbers alone: "scale out above
 * 37.5 req/s per instance (2 instances; capacity 113 req/s; knee at 75 req/s; STABLE up to
 * 50 req/s)". Null when the run measured no rate to scale out above.
 */
export const recommendationOf = (metrics: Readonly<Record<string, unknown>>): string | null => {
  const perInstance = pick(metrics, "load.scale_out_above_per_instance_rps");
  if (perInstance === null) return null;
  const instances = pick(metrics, "load.instances_count");
  const capacity = pick(metrics, "load.capacity_rps");
  const knee = pick(metrics, "load.knee_rps");
  const stable = pick(metrics, "load.stable_rps");
  const parts = [
    instances === null ? null : `${instances} instance${instances === 1 ? "" : "s"}`,
    capacity === null ? null : `capacity ${capacity} req/s`,
    knee === null ? null : `knee at ${knee} req/s`,
    stable === null ? null : `STABLE up to ${stable} req/s`,
  ].filter((p) => p !== null);
  return `scale out above ${perInstance} req/s per instance${parts.length ? ` (${parts.join("; ")})` : ""}`;
};
