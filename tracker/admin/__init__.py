"""Administration: the bureau's departments, officers and logins."""
