"""The read API (/api/v1/): JSON for other government systems and the leaders' big screen, opened
only by bearer tokens that an admin issues."""
