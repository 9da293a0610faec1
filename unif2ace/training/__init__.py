"""Training: the objective (D3Diff + understanding CE + balance losses) and, later, the trainer."""

from unif2ace.training.objective import Objective, ObjectiveConfig

__all__ = ["Objective", "ObjectiveConfig"]
