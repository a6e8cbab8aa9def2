"""Management commands of market: load_grants."""
