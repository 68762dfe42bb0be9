snapshots AS (
  SELECT
    s.*,
    MAX(s.extracted_at) OVER (PARTITION BY s.playlist_id, s.snapshot_date) AS day_extracted_at
  FROM songs AS s
),
day_charts AS (
  -- A day's chart is its latest snapshot: two extract runs on one day must not mix. Rows without
  -- extracted_at (files that do not say when) count only on days that no snapshot says when.
  SELECT *
  FROM snapshots
  WHERE extracted_at = day_extracted_at OR day_extracted_at IS NULL
)
