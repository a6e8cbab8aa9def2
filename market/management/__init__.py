"""Management commands of market."""
