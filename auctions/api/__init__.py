"""The trading half's API: public reads of announcements, lots and their documents (public.py)."""
