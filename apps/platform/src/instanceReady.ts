import { z } from "zod";

/**
 * The IPC message an instance sends once it listens (apps/api's `InstanceReady`). Parsed,
 * not trusted: it crosses a process boundary, and a malformed one must not put a port
 * nobody listens on into rotation.
 */
export const instanceReady = z.strictObject({
  type: z.literal("ready"),
  port: z.int().min(1).max(65_535),
  instanceId: z.string().min(1),
  bootId: z.string().min(1),
});

export type InstanceReady = z.infer<typeof instanceReady>;
