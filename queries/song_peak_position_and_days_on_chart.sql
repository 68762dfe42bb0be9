-- Each song's peak (best) position and number of days on each playlist, with its first and last day there.
WITH {{day_charts}},
per_song AS (
  SELECT
    playlist_id,
    song_id,
    MIN(song_name) AS song_name,
    MIN(try(artist_ids[1])) AS lead_artist_id,
    MIN(position) AS peak_position,
    COUNT(DISTINCT snapshot_date) AS days_on_chart,
    MIN(snapshot_date) AS first_day,
    MAX(snapshot_date) AS last_day
  FROM day_charts
  GROUP BY playlist_id, song_id
),
artist_names AS (
  SELECT artist_id, MIN(artist_name) AS artist_name
  FROM artists
  GROUP BY artist_id
)
SELECT
  p.playlist_id,
  p.song_id,
  p.song_name,
  a.artist_name AS lead_artist_name,
  p.peak_position,
  p.days_on_chart,
  p.first_day,
  p.last_day
FROM per_song AS p
LEFT JOIN artist_names AS a
  ON a.artist_id = p.lead_artist_id
ORDER BY p.playlist_id, p.peak_position, p.days_on_chart DESC, p.song_id
