"""The UniF²ace network (backbone, grouped token- and sequence-level MoE) and its KV cache."""

from unif2ace.model.attention import KVCache
from unif2ace.model.transformer import GROUP_GEN, GROUP_UND, ModelOutput, UniF2aceModel, build_for_loading

__all__ = ["UniF2aceModel", "ModelOutput", "KVCache", "GROUP_GEN", "GROUP_UND", "build_for_loading"]
