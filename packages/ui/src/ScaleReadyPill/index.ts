export { ScaleReadyPill } from "./ScaleReadyPill.tsx";
