"""The market API, by entity; market/urls.py joins their routes."""
