output "alarm_topic_arn" {
  description = "ARN of the SNS topic alarms notify."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of every CloudWatch alarm of the deployment."
  value       = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name]
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
