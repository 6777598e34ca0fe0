"""Fault injection for the end-to-end chaos runs (issue #8): everything stays on 127.0.0.1."""
