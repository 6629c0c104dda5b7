"""The built-in describer: one plain sentence assembled from the built-in tagger's measured
labels (shape, people, colours). It states what was measured and nothing else; a real
captioning model is not shipped (docs/extensions.md)."""

from __future__ import annotations

from imagekit_server.extensions.builtin_tagging import BuiltinTagger
from imagekit_server.extensions.providers import Label

_SHAPES = {
    "Horizontal": "A landscape-format",
    "Vertical": "A portrait-format",
    "Square": "A square",
}
_NOT_COLOURS = {*_SHAPES, "Face", "Person", "Group Of People", "Transparent", "Black And White"}


class BuiltinDescriber:
    inline = True

    def describe(self, image: bytes) -> str:
        labels = BuiltinTagger().labels(image, max_labels=20, min_confidence=10)
        return sentence(labels)


def sentence(labels: list[Label]) -> str:
    names = [label.name for label in labels]
    shape = next((_SHAPES[name] for name in names if name in _SHAPES), "An")
    subject = "image"
    if "Group Of People" in names:
        subject = "image of a group of people"
    elif "Face" in names:
        subject = "image of a person"
    parts = [f"{shape} {subject}"]
    if "Transparent" in names:
        parts.append("with a transparent background")
    if "Black And White" in names:
        parts.append("in black and white")
    else:
        colours = [
            label.name.lower()
            for label in labels
            if label.name not in _NOT_COLOURS and label.confidence >= 20
        ]
        if colours:
            parts.append("mostly " + " and ".join(colours[:2]))
    return ", ".join(parts) + "."
