"""sqsadmin's one Django app, one package per concern: sqs (the SQS layer), profiles, audit,
accounts and console (the HTML dashboard)."""
