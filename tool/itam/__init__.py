"""itam: a GitOps IT asset registry checked by schemas and lifecycle policies."""

__version__ = "0.1.0"
