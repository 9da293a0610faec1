"""UniF²ace: unified fine-grained face understanding and generation.

Quick start::

    from unif2ace import UniF2ace                       # the pipeline: text → faces, photo → text
    pipe = UniF2ace.from_pretrained()                   # the shipped model
    faces = pipe.generate(["a smiling woman, aged 30"], seed=0)

    from unif2ace import ModelConfig, UniF2aceModel     # the bare network
    model = UniF2aceModel(ModelConfig.from_name("tiny"))
"""

__version__ = "0.1.0"

# public names → their modules, imported on first use so ``import unif2ace`` does not import torch
_LAZY = {"UniF2ace": "unif2ace.pipeline", "UniF2aceModel": "unif2ace.model", "ModelConfig": "unif2ace.config",
         "ImageGenerationConfig": "unif2ace.generation"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'unif2ace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = ["UniF2ace", "UniF2aceModel", "ModelConfig", "ImageGenerationConfig", "__version__"]
