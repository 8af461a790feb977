"""Page data for the dashboard: pure functions from the store's frames and the analytics to what a page shows."""
