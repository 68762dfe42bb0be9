-- Each artist's total streams per chart file: every song counts in full for each artist it credits, with the artist's song count and best rank.
WITH credits AS (
  SELECT c.chart, c.snapshot_date, c.song_id, c.rank, c.streams, t.artist_name
  FROM chart_positions AS c
  -- The export gives one comma-separated string; a name that itself holds ", " splits in two.
  CROSS JOIN UNNEST(split(c.artist_names, ', ')) AS t(artist_name)
),
per_artist AS (
  SELECT
    chart,
    snapshot_date,
    artist_name,
    SUM(streams) AS total_streams,
    COUNT(DISTINCT song_id) AS songs_on_chart,
    MIN(rank) AS best_rank
  FROM credits
  GROUP BY chart, snapshot_date, artist_name
)
SELECT
  p.chart,
  p.snapshot_date,
  p.artist_name,
  p.total_streams,
  p.songs_on_chart,
  p.best_rank
FROM per_artist AS p
ORDER BY p.chart, p.snapshot_date DESC, p.total_streams DESC, p.best_rank, p.artist_name
