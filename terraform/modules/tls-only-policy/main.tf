# The one home of the statement every resource policy of the pipeline carries: deny each
# request made without TLS (aws:SecureTransport false), whoever makes it. Plain HCL, no
# provider: the policy is built here in full, so tests against a mock provider still see the
# statement on each resource policy (docs/adr/0040-one-tls-only-statement.md).

locals {
  deny_insecure_transport = {
    Sid       = var.sid
    Effect    = "Deny"
    Principal = "*"
    Action    = var.actions
    Resource  = var.resources
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  }

  # The caller's statements follow, unchanged (aws_iam_policy_document JSON).
  statements = concat(
    [local.deny_insecure_transport],
    flatten([for document in var.source_policy_documents : jsondecode(document).Statement]),
  )
}
