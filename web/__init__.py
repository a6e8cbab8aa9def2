"""Server-rendered pages and the static front end."""
