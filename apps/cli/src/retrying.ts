import { isClientError } from "@scaleproof/client/trpc";

/**
 * Idempotent calls are retried a few times, since an instance may be restarting under
 * us; an answer below 500 (not found, refused, conflict) is final.
 */
export const retrying = async <T>(f: () => Promise<T>, attempts = 5): Promise<T> => {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (error) {
      const status = isClientError(error) ? error.data?.httpStatus : undefined;
      if (i >= attempts || (status !== undefined && status < 500)) throw error;
      await new Promise((r) => setTimeout(r, 300 * i));
    }
  }
};
