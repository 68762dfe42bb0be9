# Alarms were one resource block each before they became one for_each map (main.tf).

moved {
  from = aws_cloudwatch_metric_alarm.extract_errors
  to   = aws_cloudwatch_metric_alarm.this["extract-errors"]
}

moved {
  from = aws_cloudwatch_metric_alarm.transform_errors
  to   = aws_cloudwatch_metric_alarm.this["transform-errors"]
}

moved {
  from = aws_cloudwatch_metric_alarm.extract_throttles
  to   = aws_cloudwatch_metric_alarm.this["extract-throttles"]
}

moved {
  from = aws_cloudwatch_metric_alarm.transform_throttles
  to   = aws_cloudwatch_metric_alarm.this["transform-throttles"]
}

moved {
  from = aws_cloudwatch_metric_alarm.transform_duration_near_timeout
  to   = aws_cloudwatch_metric_alarm.this["transform-duration-near-timeout"]
}

moved {
  from = aws_cloudwatch_metric_alarm.no_tracks_extracted
  to   = aws_cloudwatch_metric_alarm.this["no-tracks-extracted"]
}

moved {
  from = aws_cloudwatch_metric_alarm.dlq_not_empty
  to   = aws_cloudwatch_metric_alarm.this["dlq-not-empty"]
}

moved {
  from = aws_cloudwatch_metric_alarm.ingest_oldest_message_age
  to   = aws_cloudwatch_metric_alarm.this["ingest-oldest-message-age"]
}

moved {
  from = aws_cloudwatch_metric_alarm.scheduler_dlq_not_empty
  to   = aws_cloudwatch_metric_alarm.this["scheduler-dlq-not-empty"]
}
