export { type Attempt, JobTimeline } from "./JobTimeline.tsx";
