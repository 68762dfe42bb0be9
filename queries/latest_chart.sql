-- The chart of each playlist on its latest snapshot day: songs in position order with their lead artist.
WITH {{day_charts}},
latest_day AS (
  SELECT playlist_id, MAX(snapshot_date) AS snapshot_date
  FROM day_charts
  GROUP BY playlist_id
),
chart AS (
  SELECT
    c.snapshot_date,
    c.playlist_id,
    c.position,
    c.song_id,
    c.song_name,
    -- try: Trino fails the whole query on [1] of an empty array; with try both engines give NULL.
    try(c.artist_ids[1]) AS lead_artist_id,
    c.popularity,
    c.explicit,
    -- Files that do not say when they were extracted cannot be told apart: keep one row per position.
    ROW_NUMBER() OVER (PARTITION BY c.playlist_id, c.position ORDER BY c.song_id) AS row_in_position
  FROM day_charts AS c
  JOIN latest_day AS d
    ON d.playlist_id = c.playlist_id
    AND d.snapshot_date = c.snapshot_date
),
artist_names AS (
  SELECT artist_id, MIN(artist_name) AS artist_name
  FROM artists
  GROUP BY artist_id
)
SELECT
  c.snapshot_date,
  c.playlist_id,
  c.position,
  c.song_name,
  a.artist_name AS lead_artist_name,
  c.song_id,
  c.popularity,
  c.explicit
FROM chart AS c
LEFT JOIN artist_names AS a
  ON a.artist_id = c.lead_artist_id
WHERE c.row_in_position = 1
ORDER BY c.playlist_id, c.position, c.song_id
