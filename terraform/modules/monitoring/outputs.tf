output "alarm_topic_arn" {
  description = "ARN of the SNS topic alarms notify."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of every CloudWatch alarm of the deployment."
  value = [
    aws_cloudwatch_metric_alarm.extract_errors.alarm_name,
    aws_cloudwatch_metric_alarm.transform_errors.alarm_name,
    aws_cloudwatch_metric_alarm.extract_throttles.alarm_name,
    aws_cloudwatch_metric_alarm.transform_throttles.alarm_name,
    aws_cloudwatch_metric_alarm.transform_duration_near_timeout.alarm_name,
    aws_cloudwatch_metric_alarm.dlq_not_empty.alarm_name,
    aws_cloudwatch_metric_alarm.ingest_oldest_message_age.alarm_name,
    aws_cloudwatch_metric_alarm.no_tracks_extracted.alarm_name,
    aws_cloudwatch_metric_alarm.scheduler_dlq_not_empty.alarm_name,
  ]
}

output "crawler_failed_rule_name" {
  description = "Name of the EventBridge rule reporting failed crawler runs."
  value       = aws_cloudwatch_event_rule.crawler_failed.name
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dashboard_url" {
  description = "Console URL of the CloudWatch dashboard."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this.dashboard_name}"
}
