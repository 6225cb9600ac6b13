import { type Logger, pino } from "pino";
import type { Identity } from "./identity.ts";

/**
 * Structured JSON logs, one object per line, each carrying the instance and boot ids.
 * Anything that could hold a secret is redacted at the source.
 */
export const createLogger = (identity: Identity, level: string, name = "instance"): Logger =>
  pino({
    name,
    level,
    base: { instanceId: identity.instanceId, bootId: identity.bootId, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        "apiKey",
        "*.apiKey",
        "authorization",
        "*.authorization",
        "headers.authorization",
        "token",
        "*.token",
        "env.DATABENTO_API_KEY",
        "env.ADMIN_TOKEN",
      ],
      censor: "[redacted]",
    },
  });
