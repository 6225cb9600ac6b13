/**
 * HTTP headers of the wire protocol between the runner, the load balancer and the
 * instances: one home, so the sender and the reader can never drift apart.
 */
export const HEADERS = {
  /** Request: this request is evidence of a scale-test run (value: the run id). */
  run: "x-scale-test-run",
  /**
   * Request: the runner's signature over the run tag (`v1.<ms>.<requestId>.<hmac>`);
   * only a validly signed request counts as run evidence.
   */
  runSignature: "x-scale-test-sig",
  /** Request: asks the load balancer for one instance (local platform; a real LB may ignore it). */
  routeTo: "x-route-to",
  /** Request: the local platform's control token (its control routes only). */
  controlToken: "x-control-token",
  /** Response: HIT, MISS or WAIT for a bars request. */
  cache: "x-cache",
  /** Response: the normalised cache key a bars request resolved to. */
  cacheKey: "x-cache-key",
  /** Response: which instance answered, and which boot of it. */
  instanceId: "x-instance-id",
  bootId: "x-boot-id",
  appVersion: "x-app-version",
} as const;
