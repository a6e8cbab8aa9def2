"""Supply and demand listings with review, quotes, viewings, comparison, favourites, messages, statistics."""
