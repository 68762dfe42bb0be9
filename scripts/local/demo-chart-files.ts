/**
 * The local mode's week of daily "Top 200 Global" chart files, in the real export format
 * (docs/DESIGN.md, "Chart files"), so that `make demo` sends them through the same path as
 * `make import-charts`. The captures hold only 51 distinct tracks, so the chart is those
 * tracks plus songs synthesized from the captures' real artists, with ids and names that say
 * they are this project's (docs/adr/0021-demo-chart-files.md). Deterministic (seeded).
 *
 * How the chart moves: every song has a score (a Zipf-like base, a slow trend, a mean-reverting
 * daily wobble, and for new releases a boost that fades); each day's chart is the 200 best
 * scores. The days before the first file are simulated too, so `days_on_chart`, `peak_rank`
 * and re-entries have a past, and the week's files agree with each other.
 */
import { stringify } from "csv-stringify/sync";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { chartHeader } from "../../functions/transform/chart-csv";
import { CHART_SUFFIX } from "../../functions/shared/s3-layout";
import { loadRecording } from "../local-spotify-api/recordings";
import { DEMO_DAYS, DEMO_FIRST_DAY, seededRandom } from "./demo-charts";

/** The chart the demo files are, as its export names it. */
export const DEMO_CHART = "regional-global-daily";
/** Songs on each day's chart. */
export const DEMO_CHART_FILE_SIZE = 200;
/** Songs that can chart: the chart and those around it that rise and fall in and out of it. */
const DEMO_SONG_POOL_SIZE = 280;
/** Days simulated before the first file, so that its history columns have a past. */
const DEMO_HISTORY_DAYS = 60;
/**
 * Prefix of the synthesized songs' ids: with a 7-digit number it makes 22 characters, a
 * Spotify track id's length, and says the song is this project's, not Spotify's.
 */
export const SYNTHETIC_ID_PREFIX = "0LocalDemoChart";
/** Prefix of the synthesized songs' names. */
export const SYNTHETIC_NAME_PREFIX = "Local Demo Song";
/** The captures carry no record label (the export's `source`): every line says so. */
const DEMO_LABEL = "Local demo (label not in the capture)";
/**
 * How steeply the base score falls with a song's place in the pool (score = -slope x ln(place)):
 * against the daily wobble, it sets how much the chart moves, little at the top, more below.
 */
const SCORE_SLOPE = 0.6;
/** Synthesized songs released during the simulation, some in the demo week: new entries. */
const RELEASES = 14;

/** A song the demo can chart: its id, name and credited artists' names in credit order. */
interface ChartTrack {
  id: string;
  name: string;
  artistNames: string[];
  /** The album's release date as Spotify gives it (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`): the song charts no earlier. */
  releaseDate?: string;
}

/** One line of an export, column by column as Spotify names them. */
export interface ChartLine {
  rank: number;
  uri: string;
  artist_names: string;
  track_name: string;
  source: string;
  peak_rank: number;
  /** -1 for a song that was not on the previous day's chart, as the export writes it. */
  previous_rank: number;
  days_on_chart: number;
  streams: number;
}

/** One day's export. */
export interface DemoChartFile {
  /** `YYYY-MM-DD`. */
  date: string;
  /** The export's file name, e.g. `regional-global-daily-2024-04-22.csv`. */
  fileName: string;
  lines: ChartLine[];
}

const TRACK_ID = /^[0-9A-Za-z]{22}$/;

/**
 * Every distinct track in the captures (test/fixtures/), in capture order: the Top 50 capture
 * first. Entries that are not tracks with an id and credited artists are left out.
 */
export function captureTracks(): ChartTrack[] {
  const tracks = new Map<string, ChartTrack>();
  for (const name of [
    "top50-global-2024-04-22",
    "items-2026-devmode",
    "items-2026-shape",
  ] as const) {
    const recording = loadRecording(name);
    for (const entry of recording.entries) {
      const payload = (entry as Record<string, unknown> | null)?.[recording.payloadKey] as
        | {
            id?: unknown;
            name?: unknown;
            type?: unknown;
            artists?: { name?: unknown }[];
            album?: { release_date?: unknown };
          }
        | undefined;
      if (!payload || payload.type !== "track" || typeof payload.id !== "string") continue;
      if (!TRACK_ID.test(payload.id) || tracks.has(payload.id)) continue;
      const artistNames = (payload.artists ?? []).map((a) => String(a.name ?? ""));
      if (artistNames.length === 0 || artistNames.some((n) => n === "")) continue;
      const releaseDate = payload.album?.release_date;
      tracks.set(payload.id, {
        id: payload.id,
        name: String(payload.name),
        artistNames,
        ...(typeof releaseDate === "string" ? { releaseDate } : {}),
      });
    }
  }
  return [...tracks.values()];
}

/** The `index`-th synthesized song's id (1-based). */
const syntheticSongId = (index: number) =>
  SYNTHETIC_ID_PREFIX + String(index).padStart(22 - SYNTHETIC_ID_PREFIX.length, "0");

/**
 * The real tracks, then songs synthesized up to `size`, each credited to one or two of the
 * tracks' artists (drawn alike, so the artist with most real tracks does not take the chart).
 */
function songPool(tracks: readonly ChartTrack[], size: number, random: () => number): ChartTrack[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const artists = [...new Set(tracks.flatMap((track) => track.artistNames))];
  const pool = tracks.slice(0, size);
  for (let index = 1; pool.length < size; index++) {
    const lead = pick(artists);
    const featured = pick(artists);
    pool.push({
      id: syntheticSongId(index),
      name: `${SYNTHETIC_NAME_PREFIX} ${String(index).padStart(3, "0")}`,
      artistNames: random() < 0.25 && featured !== lead ? [lead, featured] : [lead],
    });
  }
  return pool;
}

/** A standard normal draw (Box-Muller). */
const gaussian = (random: () => number) =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/**
 * Streams by rank for one day: about `top` at #1 falling as a power of the rank (Global Top
 * 200 magnitudes: millions at #1, about 300k at #200), strictly decreasing, with some jitter.
 */
function streamsByRank(size: number, top: number, random: () => number): number[] {
  const streams = [Math.round(top)];
  let value = top;
  for (let rank = 1; rank < size; rank++) {
    value *= (rank / (rank + 1)) ** 0.49 * (1 - 0.0015 * random());
    streams.push(Math.min(Math.round(value), streams[rank - 1]! - 1));
  }
  return streams;
}

interface SongState {
  track: ChartTrack;
  base: number;
  trend: number;
  wobble: number;
  /** Simulation day it can first chart (0 or less: out before the simulation starts). */
  releasedOn: number;
  releaseBoost: number;
  days: number;
  peak: number;
}

const dayAfter = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The demo's daily chart files, one per day from `firstDay`.
 * @throws {Error} When `tracks` is empty, a size is not a positive integer, or the pool has
 *   too few released songs to fill a day's chart.
 */
export function demoChartFiles(
  tracks: readonly ChartTrack[],
  options: { days?: number; firstDay?: string; size?: number; poolSize?: number } = {},
): DemoChartFile[] {
  const { days = DEMO_DAYS, firstDay = DEMO_FIRST_DAY, size = DEMO_CHART_FILE_SIZE } = options;
  const poolSize = options.poolSize ?? Math.max(DEMO_SONG_POOL_SIZE, size + 40);
  for (const [what, n] of [
    ["days", days],
    ["size", size],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer`);
  }
  if (tracks.length === 0) throw new Error("need at least one real track to build charts from");
  const random = seededRandom(20240422 + 200);
  const total = DEMO_HISTORY_DAYS + days;
  const start = Date.parse(`${dayAfter(firstDay, -DEMO_HISTORY_DAYS)}T00:00:00Z`);
  const songs: SongState[] = songPool(tracks, poolSize, random).map((track, index) => {
    const released = track.releaseDate ? Date.parse(track.releaseDate) : Number.NaN;
    return {
      track,
      base: -SCORE_SLOPE * Math.log(index + 1),
      trend: 0.004 * gaussian(random),
      wobble: 0,
      releasedOn: Number.isNaN(released) ? 0 : Math.round((released - start) / 86_400_000),
      releaseBoost: 0,
      days: 0,
      peak: Infinity,
    };
  });
  // The last synthesized songs are new releases spread over the simulation, a few in the demo
  // week; each debuts high and fades.
  for (let r = 0; r < RELEASES; r++) {
    const song = songs[songs.length - 1 - r]!;
    song.releasedOn = Math.round(((r + 1) * (total - 1)) / RELEASES);
    song.releaseBoost = -SCORE_SLOPE * Math.log(5 + random() * 90) - song.base;
  }
  const files: DemoChartFile[] = [];
  let yesterday = new Map<string, number>();
  for (let t = 0; t < total; t++) {
    const scored = songs
      .filter((song) => song.releasedOn <= t)
      .map((song) => {
        song.wobble = 0.75 * song.wobble + 0.035 * gaussian(random);
        const fade = song.releaseBoost * Math.exp(-Math.max(0, t - song.releasedOn) / 12);
        return { song, score: song.base + song.trend * t + song.wobble + fade };
      })
      .sort((a, b) => b.score - a.score || (a.song.track.id < b.song.track.id ? -1 : 1));
    const chart = scored.slice(0, size).map(({ song }) => song);
    if (chart.length < size) {
      throw new Error(
        `only ${chart.length} songs can chart on day ${t}: raise poolSize above ${poolSize}`,
      );
    }
    const today = new Map<string, number>();
    chart.forEach((song, i) => {
      const rank = i + 1;
      if (t === 0) {
        // The songs on the first simulated day have charted for a while already (not before
        // their release).
        song.days = 1 + Math.floor(random() * Math.min(400, 1 - song.releasedOn));
        song.peak = Math.max(1, Math.round(rank * (0.25 + 0.75 * random())));
      } else {
        song.days += 1;
        song.peak = Math.min(song.peak, rank);
      }
      today.set(song.track.id, rank);
    });
    if (t >= DEMO_HISTORY_DAYS) {
      const date = dayAfter(firstDay, t - DEMO_HISTORY_DAYS);
      // Fridays (new releases) stream a little more, Sundays a little less.
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      const dayFactor = weekday === 5 ? 1.08 : weekday === 0 ? 0.94 : 1;
      const streams = streamsByRank(size, 4_400_000 * dayFactor * (1 + 0.05 * random()), random);
      files.push({
        date,
        fileName: `${DEMO_CHART}-${date}${CHART_SUFFIX}`,
        lines: chart.map((song, i) => ({
          rank: i + 1,
          uri: `spotify:track:${song.track.id}`,
          artist_names: song.track.artistNames.join(", "),
          track_name: song.track.name,
          source: DEMO_LABEL,
          peak_rank: song.peak,
          previous_rank: yesterday.get(song.track.id) ?? -1,
          days_on_chart: song.days,
          streams: streams[i]!,
        })),
      });
    }
    yesterday = today;
  }
  return files;
}

/** A file's text as charts.spotify.com exports it: byte order mark, header, quoted where needed. */
export function chartFileText(file: DemoChartFile): string {
  return stringify(file.lines, { bom: true, header: true, columns: chartHeader("daily") });
}

/**
 * Writes the demo's chart files into `dir` (other files there stay) and returns their paths.
 * @throws {Error} When the folder cannot be written.
 */
export async function writeDemoChartFiles(
  dir: string,
  files: readonly DemoChartFile[] = demoChartFiles(captureTracks()),
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const file of files) {
    const target = path.join(dir, file.fileName);
    await writeFile(target, chartFileText(file), "utf8");
    paths.push(target);
  }
  return paths;
}
