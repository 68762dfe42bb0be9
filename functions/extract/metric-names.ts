/** The extract's CloudWatch metric names (alarms and the dashboard use them). */
export const extractMetricNames = {
  playlistsExtracted: "PlaylistsExtracted",
  playlistsFailed: "PlaylistsFailed",
  tracksExtracted: "TracksExtracted",
  spotifyRequests: "SpotifyRequests",
  spotifyRetries429: "SpotifyRetries429",
  spotifyRetries5xx: "SpotifyRetries5xx",
  spotifyRetriesNetwork: "SpotifyRetriesNetwork",
  spotifyRetries401: "SpotifyRetries401",
  retryAfterWaitMs: "RetryAfterWaitMs",
  /** Days since the login that issued the refresh token; only on refresh-token runs. */
  refreshTokenAgeDays: "RefreshTokenAgeDays",
} as const;
