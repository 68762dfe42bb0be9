output "name_prefix" {
  description = "Prefix of every resource name (alarms are <name_prefix>-<signal>)."
  value       = var.name_prefix
}

output "data_bucket_name" {
  description = "Name of the data lake bucket."
  value       = module.data_lake.bucket_name
}

output "data_bucket_arn" {
  description = "ARN of the data lake bucket."
  value       = module.data_lake.bucket_arn
}

output "ingest_queue_url" {
  description = "URL of the ingest queue (S3 notifications to the transform)."
  value       = module.ingest_queue.queue_url
}

output "ingest_queue_arn" {
  description = "ARN of the ingest queue."
  value       = module.ingest_queue.queue_arn
}

output "dead_letter_queue_url" {
  description = "URL of the ingest queue's dead-letter queue (`make replay-dlq` reads it)."
  value       = module.ingest_queue.dead_letter_queue_url
}

output "dead_letter_queue_arn" {
  description = "ARN of the ingest queue's dead-letter queue."
  value       = module.ingest_queue.dead_letter_queue_arn
}

output "extract_function_name" {
  description = "Name of the extract function."
  value       = module.extract.function_name
}

output "transform_function_name" {
  description = "Name of the transform function."
  value       = module.transform.function_name
}

output "glue_crawler_name" {
  description = "Name of the Glue crawler."
  value       = module.catalog.crawler_name
}

output "glue_database_name" {
  description = "Name of the Glue database (Athena's database)."
  value       = module.catalog.database_name
}

output "athena_workgroup_name" {
  description = "Name of the Athena workgroup holding the named queries."
  value       = module.analytics.workgroup_name
}

output "dashboard_url" {
  description = "Console URL of the CloudWatch dashboard."
  value       = module.monitoring.dashboard_url
}

output "spotify_secret_arn" {
  description = "ARN of the Spotify credentials secret; put its value with `aws secretsmanager put-secret-value` (docs/DEPLOY.md)."
  value       = module.extract.spotify_secret_arn
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic alarms notify."
  value       = module.monitoring.alarm_topic_arn
}

output "scheduler_dead_letter_queue_url" {
  description = "URL of the queue holding extract invocations the scheduler could not deliver."
  value       = module.extract.scheduler_dead_letter_queue_url
}
