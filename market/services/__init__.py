"""Writes on market, by entity: supply, uploads, demand, pre-announcements, interactions, policies; audit is the
trail every state change writes."""
