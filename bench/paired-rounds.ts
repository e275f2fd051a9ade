/** One round: each side measured once, back to back. */
export type Round = { a: number; b: number; ratio: number };
export type PairedRounds = { rounds: Round[]; medianRatio: number };

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Measures two sides in alternating rounds, A then B, and reports the median of the rounds'
 * ratios A/B. This machine's speed drifts by ±20 % over tens of seconds (two cores, shared with
 * the load generator and whatever else runs); a round's two halves see the same drift, two phases
 * minutes apart do not. A single long run of each side gave ratios from 0.53 to 0.81 for the same
 * code; rounds of the same code against itself give 0.95–1.05.
 */
export async function pairedRounds(
  count: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
  label: string,
): Promise<PairedRounds> {
  const rounds: Round[] = [];
  for (let index = 0; index < count; index++) {
    const first = await a();
    const second = await b();
    rounds.push({ a: Math.round(first), b: Math.round(second), ratio: round2(first / second) });
    console.log(`  ${label} round ${index + 1}/${count}: ${Math.round(first)} vs ${Math.round(second)} (${round2(first / second)}x)`);
  }
  const ratios = rounds.map((round) => round.ratio).sort((x, y) => x - y);
  const middle = Math.floor(ratios.length / 2);
  const medianRatio = ratios.length % 2 === 1 ? ratios[middle] : round2((ratios[middle - 1] + ratios[middle]) / 2);
  return { rounds, medianRatio };
}
