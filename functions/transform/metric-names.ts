import type { LakeTableName } from "../shared/s3-layout";
import type { SkipReason } from "./normalize-snapshot";

/** The transform's CloudWatch metric names (alarms and the dashboard use them). */
export const transformMetricNames = {
  snapshotsTransformed: "SnapshotsTransformed",
  recordsFailed: "RecordsFailed",
  rowsWritten: {
    songs: "SongsRowsWritten",
    albums: "AlbumsRowsWritten",
    artists: "ArtistsRowsWritten",
    playlists: "PlaylistsRowsWritten",
    chart_positions: "ChartPositionsRowsWritten",
  } satisfies Record<LakeTableName, string>,
  entriesSkipped: {
    null: "EntriesSkippedNull",
    local: "EntriesSkippedLocal",
    episode: "EntriesSkippedEpisode",
    no_payload: "EntriesSkippedNoPayload",
  } satisfies Record<SkipReason, string>,
} as const;
