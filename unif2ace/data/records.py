"""One record type for every face data source (DESIGN §7).

A record is one image with its caption, question–answer turns, attribute labels (each with the
labeller that produced it and a confidence), an optional identity and the source it came from.
Records are stored one JSON object per line; images are paths relative to the dataset's root
(the manifest keeps the root), or inline bytes for sources that embed them (base64 in JSON).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Label:
    """One attribute value with the labeller that produced it and its confidence in [0, 1]."""

    value: Any
    confidence: float = 1.0
    source: str = "given"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "confidence": round(float(self.confidence), 4), "source": self.source}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | Any) -> Label:
        if not isinstance(d, dict) or "value" not in d:  # a bare value from a foreign file
            return cls(value=d)
        return cls(value=d["value"], confidence=float(d.get("confidence", 1.0)), source=d.get("source", "given"))


@dataclass
class QATurn:
    """One question and its answer; ``kind`` says which form it is (yes/no, which, how-old, describe…)."""

    question: str
    answer: str
    kind: str = ""

    def to_dict(self) -> dict[str, str]:
        d = {"question": self.question, "answer": self.answer}
        if self.kind:
            d["kind"] = self.kind
        return d


@dataclass
class FaceRecord:
    """A face image with its text. ``image`` is a path (relative to the dataset root) or bytes."""

    id: str
    image: str | bytes | None
    caption: str = ""
    qa: list[QATurn] = field(default_factory=list)
    attributes: dict[str, Label] = field(default_factory=dict)
    identity: str | None = None
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def confident(self, threshold: float) -> dict[str, Any]:
        """Attribute values whose confidence is at least ``threshold`` (what text may state)."""
        return {k: lab.value for k, lab in self.attributes.items() if lab.confidence >= threshold}

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id}
        if isinstance(self.image, (bytes, bytearray)):
            d["image_bytes"] = base64.b64encode(bytes(self.image)).decode("ascii")
        else:
            d["image"] = self.image
        d["caption"] = self.caption
        d["qa"] = [t.to_dict() for t in self.qa]
        d["attributes"] = {k: v.to_dict() for k, v in self.attributes.items()}
        if self.identity is not None:
            d["identity"] = self.identity
        d["source"] = self.source
        if self.meta:
            d["meta"] = self.meta
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FaceRecord:
        image: str | bytes | None = d.get("image")
        if "image_bytes" in d:
            image = base64.b64decode(d["image_bytes"])
        return cls(
            id=str(d["id"]),
            image=image,
            caption=d.get("caption", ""),
            qa=[QATurn(t["question"], t["answer"], t.get("kind", "")) for t in d.get("qa", [])],
            attributes={k: Label.from_dict(v) for k, v in d.get("attributes", {}).items()},
            identity=d.get("identity"),
            source=d.get("source", ""),
            meta=d.get("meta", {}),
        )
