-- The five biggest climbers and fallers of each chart file: places gained or lost since the previous day's (or week's) rank the export gives.
WITH moves AS (
  SELECT
    c.*,
    c.previous_rank - c.rank AS places_moved,
    CASE WHEN c.previous_rank > c.rank THEN 'climber' ELSE 'faller' END AS direction
  FROM chart_positions AS c
  -- A new entry or re-entry has no previous rank to move from.
  WHERE c.previous_rank IS NOT NULL
    AND c.previous_rank <> c.rank
),
ranked AS (
  SELECT
    m.*,
    ROW_NUMBER() OVER (
      PARTITION BY m.chart, m.snapshot_date, m.direction
      ORDER BY abs(m.places_moved) DESC, m.rank, m.song_id
    ) AS place
  FROM moves AS m
)
SELECT
  r.chart,
  r.snapshot_date,
  r.direction,
  r.place,
  r.places_moved,
  r.previous_rank,
  r.rank,
  r.song_name,
  r.artist_names,
  r.streams,
  r.song_id
FROM ranked AS r
WHERE r.place <= 5
ORDER BY r.chart, r.snapshot_date DESC, r.direction, r.place
