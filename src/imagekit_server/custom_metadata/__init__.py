"""Custom metadata: values checked against the account's custom metadata field schemas."""
