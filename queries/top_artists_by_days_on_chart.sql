-- Artists ranked by the number of days any of their songs was on a chart, with their song count and best position.
WITH {{day_charts}},
credits AS (
  SELECT s.snapshot_date, s.song_id, s.position, t.artist_id
  FROM day_charts AS s
  CROSS JOIN UNNEST(s.artist_ids) AS t(artist_id)
),
artist_names AS (
  SELECT artist_id, MIN(artist_name) AS artist_name
  FROM artists
  GROUP BY artist_id
),
ranked AS (
  SELECT
    artist_id,
    COUNT(DISTINCT snapshot_date) AS days_on_chart,
    COUNT(DISTINCT song_id) AS songs_on_chart,
    MIN(position) AS best_position,
    MIN(snapshot_date) AS first_day,
    MAX(snapshot_date) AS last_day
  FROM credits
  GROUP BY artist_id
)
SELECT
  r.artist_id,
  a.artist_name,
  r.days_on_chart,
  r.songs_on_chart,
  r.best_position,
  r.first_day,
  r.last_day
FROM ranked AS r
LEFT JOIN artist_names AS a
  ON a.artist_id = r.artist_id
ORDER BY r.days_on_chart DESC, r.best_position, r.artist_id
LIMIT 50
