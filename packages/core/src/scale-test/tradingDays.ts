const DAY_MS = 86_400_000;

/**
 * The last `days` trading days (Monday to Friday, UTC dates) that end at `end`, clipped
 * to `[availableStart, end)`. CME futures trade Sunday evening to Friday afternoon, so
 * weekday dates count the sessions; holidays are not known here and simply hold no bars.
 */
export const lastTradingDays = (
  available: { start: string; end: string },
  days: number,
): { start: string; end: string } => {
  const end = Date.parse(available.end);
  let cursor = Math.floor(end / DAY_MS) * DAY_MS;
  let counted = 0;
  // Count the day `end` falls in (if it is a weekday), then walk back.
  for (;;) {
    const weekday = new Date(cursor).getUTCDay();
    if (weekday !== 0 && weekday !== 6) counted++;
    if (counted >= days) break;
    cursor -= DAY_MS;
  }
  const start = Math.max(cursor, Date.parse(available.start));
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
};
