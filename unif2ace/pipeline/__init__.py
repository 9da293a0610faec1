"""Inference: the ``UniF2ace`` pipeline (generate, caption, ask, chat, inpaint), model folders, face crops.

    from unif2ace import UniF2ace
    pipe = UniF2ace.from_pretrained("path/to/model")      # or a local Show-o checkpoint
    pipe.generate("a smiling man with a grey beard", num_images_per_prompt=4, seed=0)
"""

from unif2ace.pipeline.faces import NoFaceError, prepare_face
from unif2ace.pipeline.loading import (
           DEFAULT_MODEL_DIR,
           GenerationDefaults,
           resolve_model_path,
           write_random_model,
)
from unif2ace.pipeline.pipeline import CAPTION_QUESTION, GenerationOutput, UniF2ace, chat_turns

__all__ = ["UniF2ace", "GenerationOutput", "NoFaceError", "prepare_face", "GenerationDefaults", "DEFAULT_MODEL_DIR", "resolve_model_path",
           "write_random_model", "CAPTION_QUESTION", "chat_turns"]
