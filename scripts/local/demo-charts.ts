/**
 * The demo data set: several daily charts derived from the real Top 50 capture. Day 1 is the
 * capture's top 40; each later day swaps a few neighbours, drops two songs from the lower half
 * and brings in two from the capture's remaining entries (or back from earlier days), so "days
 * on chart", "peak position" and "new entries" have answers. From day 3 on, the chart ends with
 * a song credited to no artist id, the case that fails `artist_ids[1]` on Athena. Deterministic
 * (seeded).
 */

/** How many days the demo extracts. */
export const DEMO_DAYS = 7;
/** Songs on each day's chart. */
export const DEMO_CHART_SIZE = 40;
/** The first demo day: the capture's date. Extract runs "as of" 16:00 UTC each day. */
export const DEMO_FIRST_DAY = "2024-04-22";

/** The 0-based day from which the chart ends with {@link uncreditedSong}. */
export const UNCREDITED_FROM_DAY = 2;
/** The id of the demo's song with no artist ids (this project's, not Spotify's). */
export const UNCREDITED_SONG_ID = "0LocalDemoNoArtistIds0";

/**
 * A song that credits no artist (`artists: []`, which Spotify sends for some tracks), made from
 * `template` with its own id and name; the album and its credits stay the template's.
 */
export function uncreditedSong<T extends { track: object }>(template: T): T {
  return {
    ...template,
    track: {
      ...template.track,
      id: UNCREDITED_SONG_ID,
      name: "Uncredited (local demo song with no artist ids)",
      artists: [],
    },
  };
}

/** The instant the demo's extract runs for day `index` (0-based). */
export function demoExtractionTime(index: number): Date {
  return new Date(Date.parse(`${DEMO_FIRST_DAY}T16:00:03.000Z`) + index * 86_400_000);
}

/** A small deterministic PRNG (mulberry32), so the demo and its tests agree. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Each day's chart (entries in position order), built from the capture's entries. */
export function demoCharts<T extends { track: object }>(
  entries: readonly T[],
  days = DEMO_DAYS,
  chartSize = DEMO_CHART_SIZE,
): T[][] {
  if (entries.length <= chartSize)
    throw new Error(`need more than ${chartSize} entries, got ${entries.length}`);
  const random = seededRandom(20240422);
  const pick = (n: number) => Math.floor(random() * n);
  let chart = entries.slice(0, chartSize);
  let waiting = entries.slice(chartSize);
  const charts = [chart];
  for (let day = 1; day < days; day++) {
    chart = [...chart];
    for (let swaps = 0; swaps < 4; swaps++) {
      const i = pick(chartSize - 1);
      [chart[i], chart[i + 1]] = [chart[i + 1]!, chart[i]!];
    }
    const dropped: T[] = [];
    for (let drops = 0; drops < 2; drops++)
      dropped.push(...chart.splice(chartSize / 2 + pick(chart.length - chartSize / 2), 1));
    for (let adds = 0; adds < 2; adds++) {
      const [incoming] = waiting.splice(pick(waiting.length), 1);
      chart.splice(chartSize / 2 + pick(chartSize / 2 - 1), 0, incoming!);
    }
    waiting = [...waiting, ...dropped];
    charts.push(chart);
  }
  const uncredited = uncreditedSong(entries[0]!);
  return charts.map((day, index) => (index >= UNCREDITED_FROM_DAY ? [...day, uncredited] : day));
}
