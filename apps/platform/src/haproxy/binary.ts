import { accessSync, constants } from "node:fs";
import path from "node:path";

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** An executable on PATH or in the sbin folders a non-root PATH often lacks. */
const which = (name: string): string | undefined =>
  [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"]
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(executable);

/** HAProxy (HAPROXY_BIN, else Debian's package), or an error saying how to get it. */
export const haproxyBinary = (): string => {
  const bin = process.env.HAPROXY_BIN || which("haproxy");
  if (!bin)
    throw new Error(
      "HAProxy is not installed: run `bash scripts/ensure-haproxy.sh` (apt-get install haproxy) or set HAPROXY_BIN",
    );
  return bin;
};

/**
 * util-linux's setpriv, to give HAProxy a parent-death signal: if the platform dies,
 * even by SIGKILL, the kernel sends HAProxy SIGTERM, so no balancer outlives it.
 */
export const setprivBinary = (): string | undefined => which("setpriv");
