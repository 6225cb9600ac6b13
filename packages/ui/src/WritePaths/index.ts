export { rssPeaks, WritePaths } from "./WritePaths.tsx";
