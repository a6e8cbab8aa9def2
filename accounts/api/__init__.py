"""The accounts API, by area; accounts/urls.py joins their routes."""
