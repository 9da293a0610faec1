"""Training: the objective (D3Diff + understanding CE + balance losses) and, later, the trainer."""


def __getattr__(name: str):
    # imported on first use: the CLI imports this package to register ``train``, and torch takes seconds
    if name in ("Objective", "ObjectiveConfig"):
        from unif2ace.training import objective

        return getattr(objective, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Objective", "ObjectiveConfig"]
