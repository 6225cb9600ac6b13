/** Every instance's latest pool reading (a hash: instance id -> JSON). */
export const poolsKey = (prefix: string) => `${prefix}db:pools:v1`;
/** Pool-exhaustion events of the whole cluster (a hash: `instance:boot:kind` -> count); it only grows. */
export const exhaustionKey = (prefix: string) => `${prefix}db:exhaustion:v1`;
