-- Each song's rank and streams on every day of each chart file, with the change since the chart's previous file (to follow one song, add WHERE h.song_name = '...' before the final ORDER BY: a filter inside positions would make every file look consecutive).
WITH positions AS (
  SELECT
    c.*,
    -- The chart's files in date order: "the day before" is the chart's previous file in the lake.
    DENSE_RANK() OVER (PARTITION BY c.chart ORDER BY c.snapshot_date) AS file_number
  FROM chart_positions AS c
),
history AS (
  SELECT
    p.*,
    LAG(p.file_number) OVER (PARTITION BY p.chart, p.song_id ORDER BY p.snapshot_date) AS previous_file_number,
    LAG(p.streams) OVER (PARTITION BY p.chart, p.song_id ORDER BY p.snapshot_date) AS previous_streams,
    MIN(p.rank) OVER (PARTITION BY p.chart, p.song_id) AS best_rank_in_lake
  FROM positions AS p
)
SELECT
  h.chart,
  h.song_name,
  h.artist_names,
  h.snapshot_date,
  h.rank,
  h.previous_rank,
  h.streams,
  CASE WHEN h.previous_file_number = h.file_number - 1 THEN h.streams - h.previous_streams END AS streams_change,
  h.peak_rank,
  h.periods_on_chart,
  h.song_id
FROM history AS h
ORDER BY h.chart, h.best_rank_in_lake, h.song_id, h.snapshot_date
