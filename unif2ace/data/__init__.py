"""Face data: records, readers, labelling, captions/QA, the dataset store and the builder (DESIGN §7).

Importing this package is cheap; heavy labelling models are imported inside the functions that
use them.
"""

from unif2ace.data.records import FaceRecord, Label, QATurn

__all__ = ["FaceRecord", "Label", "QATurn"]
