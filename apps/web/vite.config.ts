import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The built SPA is served by the instances; in dev, API calls go to the local front door.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/trpc": "http://127.0.0.1:8080", "/ops": "http://127.0.0.1:8080" } },
  build: { outDir: "dist", emptyOutDir: true },
});
