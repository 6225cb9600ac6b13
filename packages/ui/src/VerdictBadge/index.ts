export { type Verdict, VerdictBadge } from "./VerdictBadge.tsx";
