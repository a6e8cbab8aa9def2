"""Users, authentication, real-name verification, enterprise sub-accounts and roles."""
