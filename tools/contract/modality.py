"""The four modalities and the typed artifact fields tools declare with them."""

from __future__ import annotations

from enum import StrEnum


class Modality(StrEnum):
    """What kind of content a value is; every tool declares what it takes and gives."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


MEDIA = (Modality.IMAGE, Modality.AUDIO, Modality.VIDEO)
