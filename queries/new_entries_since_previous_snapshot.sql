-- Songs on each playlist's latest snapshot day that were not on it the snapshot day before.
WITH {{day_charts}},
snapshot_days AS (
  SELECT
    playlist_id,
    snapshot_date,
    ROW_NUMBER() OVER (PARTITION BY playlist_id ORDER BY snapshot_date DESC) AS days_back
  FROM (SELECT DISTINCT playlist_id, snapshot_date FROM day_charts) AS d
),
latest AS (
  SELECT
    s.playlist_id,
    s.snapshot_date,
    s.song_id,
    MIN(s.song_name) AS song_name,
    MIN(s.position) AS position,
    MIN(try(s.artist_ids[1])) AS lead_artist_id
  FROM day_charts AS s
  JOIN snapshot_days AS d
    ON d.playlist_id = s.playlist_id
    AND d.snapshot_date = s.snapshot_date
    AND d.days_back = 1
  GROUP BY s.playlist_id, s.snapshot_date, s.song_id
),
previous AS (
  SELECT DISTINCT s.playlist_id, s.snapshot_date, s.song_id
  FROM day_charts AS s
  JOIN snapshot_days AS d
    ON d.playlist_id = s.playlist_id
    AND d.snapshot_date = s.snapshot_date
    AND d.days_back = 2
),
previous_day AS (
  SELECT playlist_id, snapshot_date
  FROM snapshot_days
  WHERE days_back = 2
),
artist_names AS (
  SELECT artist_id, MIN(artist_name) AS artist_name
  FROM artists
  GROUP BY artist_id
)
SELECT
  l.snapshot_date,
  pd.snapshot_date AS previous_snapshot_date,
  l.playlist_id,
  l.position,
  l.song_name,
  a.artist_name AS lead_artist_name,
  l.song_id
FROM latest AS l
-- A playlist with a single snapshot day has nothing to compare with.
JOIN previous_day AS pd
  ON pd.playlist_id = l.playlist_id
LEFT JOIN previous AS p
  ON p.playlist_id = l.playlist_id
  AND p.song_id = l.song_id
LEFT JOIN artist_names AS a
  ON a.artist_id = l.lead_artist_id
WHERE p.song_id IS NULL
ORDER BY l.playlist_id, l.position, l.song_id
