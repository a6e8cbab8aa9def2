"""Trading centres, entrustments, lots, announcements, applications, deposits, the listing/auction engine."""
