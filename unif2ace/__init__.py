"""UniF²ace: unified fine-grained face understanding and generation.

Quick start::

    from unif2ace.config import ModelConfig
    from unif2ace.model import UniF2aceModel
    model = UniF2aceModel(ModelConfig.from_name("tiny"))
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    # ``from unif2ace import UniF2ace`` without making ``import unif2ace`` import torch
    if name == "UniF2ace":
        from unif2ace.pipeline import UniF2ace

        return UniF2ace
    raise AttributeError(f"module 'unif2ace' has no attribute {name!r}")
