output "bucket_name" {
  description = "Name of the data lake bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the data lake bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the data lake bucket."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "retention" {
  description = "The retention rules in force: area (raw-data, transformed-data) => { prefix, days } for each area whose objects expire; empty when everything is kept."
  value       = local.retention
}
