import { type KnobsInput, replayControl } from "@scaleproof/replay/client";

/**
 * The replay upstream's evidence and knobs for the cluster tests, through its typed
 * client (`@scaleproof/replay/client`); `control` is the whole client.
 */
export const replayClient = (replay: { url: string } | undefined) => {
  if (!replay) throw new Error("this cluster runs without the replay upstream");
  const control = replayControl(replay.url);
  return {
    control,
    /** get_range requests the upstream itself served for exactly this symbol and range. */
    count: (filter: { symbol: string; start: string; end: string }): Promise<number> =>
      control.count(filter),
    /** Replaces the knob rules (`{}` clears them). */
    async knobs(knobs: KnobsInput): Promise<void> {
      await control.setKnobs(knobs);
    },
  };
};
