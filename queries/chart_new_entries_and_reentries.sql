-- Songs that entered each chart file: new entries (first time on the chart) and re-entries (back after a gap), with when the lake last saw them there.
WITH entries AS (
  SELECT c.*
  FROM chart_positions AS c
  WHERE c.previous_rank IS NULL
),
last_seen AS (
  -- The latest earlier file of the same chart that lists the song.
  SELECT e.chart, e.snapshot_date, e.song_id, MAX(c.snapshot_date) AS last_seen_date
  FROM entries AS e
  JOIN chart_positions AS c
    ON c.chart = e.chart
    AND c.song_id = e.song_id
    AND c.snapshot_date < e.snapshot_date
  GROUP BY e.chart, e.snapshot_date, e.song_id
)
SELECT
  e.chart,
  e.snapshot_date,
  -- The export counts days (or weeks) on the chart over its whole history, before the lake's
  -- first file too; without that count, the lake's own files decide.
  CASE
    WHEN e.periods_on_chart > 1 OR l.last_seen_date IS NOT NULL THEN 're-entry'
    ELSE 'new entry'
  END AS entry,
  e.rank,
  e.song_name,
  e.artist_names,
  e.peak_rank,
  e.periods_on_chart,
  l.last_seen_date,
  e.streams,
  e.song_id
FROM entries AS e
LEFT JOIN last_seen AS l
  ON l.chart = e.chart
  AND l.snapshot_date = e.snapshot_date
  AND l.song_id = e.song_id
ORDER BY e.chart, e.snapshot_date DESC, e.rank, e.song_id
