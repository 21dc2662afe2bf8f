"""Look-ups over the knowledge model and the pages (view models) built from them."""
