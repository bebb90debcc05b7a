"""Qt widgets of the Latent Studio window. Thin: they send requests to the worker and draw results."""
