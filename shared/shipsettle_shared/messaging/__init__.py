"""Kafka plumbing: the producer, the outbox relay and the consumer loop."""
