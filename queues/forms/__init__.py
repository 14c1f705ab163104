"""One form per action, each checking SQS's rules before any call; one module per area."""
