// Quiet the AWS SDK's Node 22 notice and keep tests off any real AWS account.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
process.env.AWS_REGION ??= "us-east-1";
process.env.AWS_ACCESS_KEY_ID ??= "test";
process.env.AWS_SECRET_ACCESS_KEY ??= "test";
// Powertools logs through the global console in dev mode, so tests can capture them
// (Jest runs with `silent`; `npx jest --silent=false` shows them).
process.env.POWERTOOLS_DEV ??= "true";
// POWERTOOLS_DEV would also switch metrics off; tests assert on the EMF output.
process.env.POWERTOOLS_METRICS_DISABLED ??= "false";
