"""The contracts API: one view per operation (contracts/urls.py)."""
