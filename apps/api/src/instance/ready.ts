/**
 * The IPC message an instance sends its parent (the local platform's supervisor) once
 * it listens. Readiness never depends on the log level or a log line's shape.
 */
export interface InstanceReady {
  readonly type: "ready";
  readonly port: number;
  readonly instanceId: string;
  readonly bootId: string;
}
