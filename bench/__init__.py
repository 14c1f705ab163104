"""sqsadmin's benchmarks: the dashboard against raw boto3 doing the same SQS calls, in one run."""
