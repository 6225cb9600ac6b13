import type { Logger } from "pino";
import type { FaultRegistry } from "./registry.ts";

/**
 * The `ingest-crash` fault, one-shot: the instance it is on (the ingest profile aims it at
 * one instance that is not the runner's) kills itself with SIGKILL as the next snapshot
 * call of the fault's `params.runId` (when given) arrives, before answering it. Whatever
 * its buffer held dies with it: under `ingest-ack-before-flush` that includes snapshots it
 * already acknowledged. `consume` is atomic, so exactly one instance takes it.
 */
export const ingestCrash = async (
  faults: FaultRegistry,
  log: Logger,
  runId: string | null,
): Promise<void> => {
  const fault = faults.find("ingest-crash");
  if (!fault) return;
  const want = fault.params.runId;
  if (want !== undefined && want !== runId) return;
  if (!(await faults.consume(fault))) return;
  log.warn({ event: "fault_ingest_crash", runId }, "FAULT ingest-crash: SIGKILL mid-ingest");
  process.kill(process.pid, "SIGKILL");
  await new Promise(() => {}); // the signal is on its way
};
