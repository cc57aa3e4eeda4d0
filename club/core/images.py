"""Pictures staff upload (gifts, and soon content and activities): a 4:3 thumbnail made with Pillow."""

from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

THUMBNAIL_SIZE = (800, 600)


def thumbnail_from(picture) -> ContentFile:
    """A JPEG thumbnail, cropped to 4:3 and turned the right way up."""
    picture.seek(0)
    with Image.open(picture) as original:
        upright = ImageOps.exif_transpose(original).convert("RGB")
        thumbnail = ImageOps.fit(upright, THUMBNAIL_SIZE, method=Image.Resampling.LANCZOS)
        out = BytesIO()
        thumbnail.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return ContentFile(out.getvalue())
