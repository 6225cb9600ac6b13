import { defineConfig } from "vitest/config";

// One runner for the whole workspace. Tests that talk to the real Redis/Postgres or
// spawn instance processes live in apps/api and packages/db; each uses its own
// database schema or key prefix so files can run in parallel.
export default defineConfig({
  test: {
    globalSetup: ["./vitest.setup.ts"],
    projects: [
      { test: { name: "core", root: "packages/core", include: ["test/**/*.test.ts"] } },
      { test: { name: "ui", root: "packages/ui", include: ["test/**/*.test.ts"] } },
      {
        test: {
          name: "db",
          root: "packages/db",
          include: ["test/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "replay",
          root: "apps/replay",
          include: ["test/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "platform",
          root: "apps/platform",
          include: ["test/**/*.test.ts"],
          // Real runs on a shared 2-core machine: a safety net, not a speed gate.
          testTimeout: 600_000,
          hookTimeout: 300_000,
          // expect.poll waits 1 s by default: a view that refreshes every 2 s (the web
          // UI's run list) can miss it under load. A bound on waiting, not a speed gate.
          expect: { poll: { timeout: 30_000 } },
        },
      },
      {
        test: {
          name: "api",
          root: "apps/api",
          include: ["test/**/*.test.ts"],
          // Real runs on a shared 2-core machine: a safety net, not a speed gate.
          testTimeout: 600_000,
          hookTimeout: 300_000,
          // expect.poll waits 1 s by default: a view that refreshes every 2 s (the web
          // UI's run list) can miss it under load. A bound on waiting, not a speed gate.
          expect: { poll: { timeout: 30_000 } },
        },
      },
      {
        test: {
          name: "cli",
          root: "apps/cli",
          include: ["test/**/*.test.ts"],
          // Real runs on a shared 2-core machine: a safety net, not a speed gate.
          testTimeout: 600_000,
          hookTimeout: 300_000,
          // expect.poll waits 1 s by default: a view that refreshes every 2 s (the web
          // UI's run list) can miss it under load. A bound on waiting, not a speed gate.
          expect: { poll: { timeout: 30_000 } },
        },
      },
    ],
  },
});
