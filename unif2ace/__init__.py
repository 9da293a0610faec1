"""UniF²ace: unified fine-grained face understanding and generation.

Quick start::

    from unif2ace.config import ModelConfig
    from unif2ace.model import UniF2aceModel
    model = UniF2aceModel(ModelConfig.from_name("tiny"))
"""

__version__ = "0.1.0"
