# terraform test: the TLS-only statement and the policy built around it. The module has no
# provider, so these runs check the exact JSON each resource policy receives.

variables {
  actions   = ["sqs:*"]
  resources = ["arn:aws:sqs:eu-west-1:123456789012:spotify-etl-ingest-dlq"]
}

run "denies_every_request_without_tls" {
  command = plan

  assert {
    condition = jsondecode(output.json) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["sqs:*"]
        Resource  = ["arn:aws:sqs:eu-west-1:123456789012:spotify-etl-ingest-dlq"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    }
    error_message = "Alone, the policy is the one Deny of every principal's requests without TLS on the given resources."
  }
}

run "keeps_the_callers_statements_after_it" {
  command = plan

  variables {
    source_policy_documents = [jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Sid = "AllowDataLakeNotifications", Effect = "Allow", Action = "sqs:SendMessage", Resource = "arn:aws:sqs:eu-west-1:123456789012:spotify-etl-ingest", Principal = { Service = "s3.amazonaws.com" } },
      ]
    })]
  }

  assert {
    condition = (
      [for s in jsondecode(output.json).Statement : s.Sid] == ["DenyInsecureTransport", "AllowDataLakeNotifications"] &&
      jsondecode(output.json).Statement[1].Principal == { Service = "s3.amazonaws.com" } &&
      jsonencode(jsondecode(output.json).Statement[0]) == jsonencode(output.statement)
    )
    error_message = "The caller's statements must follow the TLS-only one unchanged."
  }
}

run "refuses_no_actions" {
  command = plan
  variables { actions = [] }
  expect_failures = [var.actions]
}

run "refuses_an_action_without_a_service" {
  command = plan
  variables { actions = ["*"] }
  expect_failures = [var.actions]
}

run "refuses_no_resources" {
  command = plan
  variables { resources = [] }
  expect_failures = [var.resources]
}

run "refuses_a_resource_that_is_not_an_arn" {
  command = plan
  variables { resources = ["spotify-etl-ingest-dlq"] }
  expect_failures = [var.resources]
}

run "refuses_a_sid_iam_would_refuse" {
  command = plan
  variables { sid = "deny-insecure" }
  expect_failures = [var.sid]
}

run "refuses_a_document_without_statements" {
  command = plan
  variables { source_policy_documents = ["{\"Version\":\"2012-10-17\"}"] }
  expect_failures = [var.source_policy_documents]
}

run "refuses_a_source_statement_with_the_same_sid" {
  command = plan
  variables {
    source_policy_documents = [jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "DenyInsecureTransport", Effect = "Allow", Action = "sqs:*", Resource = "*" }] })]
  }
  expect_failures = [var.source_policy_documents]
}
