"""Credential profiles: AwsProfile, its encrypted secrets, the boto3 clients built from it, and
the Admins' pages that manage it."""
