"""Every picture staff or members upload goes through here: checked, renamed, thumbnailed.

Gifts today, and every later upload (survey choices, content, events, ideas):
- `image_check(upload)` decides by content, not by name: Pillow must recognise
  one of the accepted formats, the file must be at most MAX_IMAGE_BYTES and its
  pixel count at most MAX_IMAGE_PIXELS — read from the header, *before* any
  decoding, so a small file that unpacks to a huge bitmap is refused at once —
  and it must then decode completely (a truncated file is refused);
- `CheckedImageField` is the form field that applies it (the admin uses it for
  every ImageField), so a bad file is a form error and nothing reaches the disk;
- `RandomName("gifts")` is an `upload_to` giving stored files unguessable names;
- `thumbnail_from` makes the 4:3 JPEG thumbnail.
"""

import secrets
import warnings
from io import BytesIO
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

THUMBNAIL_SIZE = (800, 600)
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8,000 × 5,000: more than any screen or print needs
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}


def _check_opened(upload) -> str:
    with Image.open(upload) as image:
        if image.format not in FORMATS:
            raise ValidationError(_("Formats acceptés : JPEG, PNG, WebP, GIF."), code="image_format")
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise ValidationError(
                _("Cette image compte trop de pixels (%(width)s × %(height)s) : réduisez-la."),
                code="image_too_large",
                params={"width": width, "height": height},
            )
        image.load()  # decode it all: a truncated or corrupt file fails here
        return str(image.format)


def image_check(upload) -> str:
    """The upload's format if it is an image we accept; ValidationError (with a code) if not."""
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("Cette image pèse plus de %(mb)s Mo."), code="image_too_heavy", params={"mb": MAX_IMAGE_BYTES >> 20}
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # The pixel count is checked below, before decoding; Pillow's own warning adds nothing.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return _check_opened(upload)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Ce fichier n'est pas une image lisible."), code="image_invalid") from error
    finally:
        upload.seek(0)


class CheckedImageField(forms.ImageField):
    """An image field whose files pass `image_check`."""

    def to_python(self, data):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # image_check says it better
            checked = super().to_python(data)
        if checked is not None:
            image_check(checked)
        return checked


@deconstructible
class RandomName:
    """`upload_to` that stores `<folder>/<random>.<ext>`: names reveal nothing and never collide."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        extension = Path(filename).suffix.lower()[:8] or ".bin"
        return f"{self.folder}/{secrets.token_hex(16)}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


def thumbnail_from(picture) -> ContentFile:
    """A JPEG thumbnail, cropped to 4:3 and turned the right way up."""
    picture.seek(0)
    with Image.open(picture) as original:
        upright = ImageOps.exif_transpose(original).convert("RGB")
        thumbnail = ImageOps.fit(upright, THUMBNAIL_SIZE, method=Image.Resampling.LANCZOS)
        out = BytesIO()
        thumbnail.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return ContentFile(out.getvalue())
