"""Signed webhooks: account endpoints, a durable outbox of deliveries and the background
dispatcher that sends them (docs/webhooks.md)."""
