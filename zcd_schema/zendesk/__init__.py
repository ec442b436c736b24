"""The live side: the HTTP client, accounts and reading an account into the model."""
