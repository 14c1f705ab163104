"""The HTML dashboard: workspaces (profile + region), queue and message pages, their forms."""
