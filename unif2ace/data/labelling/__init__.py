"""Attribute labelling: dlib faces, age/gender, emotion, landmark state, photo measurements."""

from unif2ace.data.labelling.labeller import TEXT_THRESHOLD, FaceLabeller, LabellerOptions, age_group

__all__ = ["FaceLabeller", "LabellerOptions", "TEXT_THRESHOLD", "age_group"]
