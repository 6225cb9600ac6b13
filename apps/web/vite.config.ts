import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The built SPA is served by the instances; in dev, API calls go to the local platform's
// load balancer. Pages load on demand, and the large libraries each get a chunk of
// their own (charts only load with the pages that draw them), so no chunk is over 500 KB.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/trpc": "http://127.0.0.1:8080", "/ops": "http://127.0.0.1:8080" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: "recharts", test: /node_modules[\\/].*[\\/]recharts[\\/]/ },
            {
              name: "chart-libs",
              test: /node_modules[\\/].*(d3-|victory-vendor|@mantine[\\/]charts|es-toolkit|immer|redux|reselect)/,
            },
            { name: "mantine", test: /node_modules[\\/].*@mantine[\\/](core|hooks)/ },
            { name: "react", test: /node_modules[\\/].*(react-dom|scheduler|[\\/]react[\\/])/ },
            { name: "query", test: /node_modules[\\/].*(@tanstack|@trpc)/ },
          ],
        },
      },
    },
  },
});
