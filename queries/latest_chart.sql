-- The chart of each playlist on its latest snapshot day: songs in position order with their lead artist.
WITH latest_day AS (
  SELECT playlist_id, MAX(snapshot_date) AS snapshot_date
  FROM songs
  GROUP BY playlist_id
),
chart AS (
  SELECT
    s.snapshot_date,
    s.playlist_id,
    s.position,
    s.song_id,
    s.song_name,
    s.artist_ids[1] AS lead_artist_id,
    s.popularity,
    s.explicit,
    -- Two extract runs on one day give two rows per position: keep one.
    ROW_NUMBER() OVER (PARTITION BY s.playlist_id, s.position ORDER BY s.song_id) AS row_in_position
  FROM songs AS s
  JOIN latest_day AS d
    ON d.playlist_id = s.playlist_id
    AND d.snapshot_date = s.snapshot_date
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
