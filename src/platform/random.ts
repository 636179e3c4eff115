/** Randomness is a dependency: a source of floats in [0, 1), injected so tests can fix it. */
export type Random = () => number;

export const systemRandom: Random = Math.random;

/**
 * True with probability `chance` (0–1). Draws nothing when the chance is 0, so code with its
 * knobs at 0 consumes the same random sequence as code without knobs.
 */
export function happens(chance: number, random: Random): boolean {
  return chance > 0 && random() < chance;
}

/** A small seeded generator (mulberry32): same seed, same sequence, in tests and fuzzing. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
