"""Attachments of service sessions: photos and PDFs only, by their content, never by their name.

A photo from a phone carries where and when it was taken (EXIF GPS): every image is decoded and written
again from its pixels alone, so nothing but the picture is kept. Files live under MEDIA_ROOT, which is
never served publicly; they are read only through an access-checked view.
"""

import io
import uuid
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases.models import Attachment, ServiceSession

# Magic bytes at the start of the file, and what they say the file is.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# A photo larger than this many pixels is refused rather than decoded (decompression bombs).
MAX_PIXELS = 60_000_000
FOLDER = "case-attachments"


def storage() -> FileSystemStorage:
    # No base_url: these files have no public address.
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


def sniff(head: bytes) -> str:
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return ""


def max_bytes() -> int:
    return int(settings.CASE_ATTACHMENT_MAX_MB) * 1024 * 1024


def clean_image(data: bytes, content_type: str) -> bytes:
    """The picture alone: decoded, turned upright, written again without EXIF, GPS, comments or profiles."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("This photo is too large to open. Send a smaller photo."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("This photo is damaged and cannot be opened.")) from None
    if content_type == "image/jpeg" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif content_type == "image/png" and upright.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
        upright = upright.convert("RGBA")
    if upright.mode == "P":
        upright = upright.convert("RGBA")
    bare = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    out = io.BytesIO()
    if content_type == "image/jpeg":
        bare.save(out, format="JPEG", quality=88, optimize=True)
    else:
        bare.save(out, format="PNG", optimize=True)
    return out.getvalue()


def attachment_add(*, actor: Any, session: ServiceSession, upload: UploadedFile) -> Attachment:
    """Keep one photo or PDF of a session; anything else, or anything too large, is refused."""
    name = (upload.name or "file")[-200:]
    if upload.size is not None and upload.size > max_bytes():
        raise ValidationError({"files": _("%(name)s is larger than %(mb)s MB. Send a smaller file.")
                               % {"name": name, "mb": settings.CASE_ATTACHMENT_MAX_MB}})
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise ValidationError({"files": _("%(name)s is larger than %(mb)s MB. Send a smaller file.")
                               % {"name": name, "mb": settings.CASE_ATTACHMENT_MAX_MB}})
    content_type = sniff(data[:8])
    if not content_type:
        raise ValidationError({"files": _("%(name)s is not a photo (JPEG or PNG) or a PDF.") % {"name": name}})
    if content_type.startswith("image/"):
        data = clean_image(data, content_type)
    stored = storage().save(f"{FOLDER}/{session.case_id}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}",
                            ContentFile(data))
    attachment = Attachment.objects.create(session=session, stored_name=stored, original_name=name,
                                           content_type=content_type, size=len(data), uploaded_by=actor)
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=attachment,
                 changes={"session": session.pk, "type": content_type, "size": len(data)})
    return attachment


def attachment_read(*, actor: Any, attachment: Attachment) -> IO[bytes]:
    """Open the stored file. Callers have loaded the attachment through the access door; the read is audited."""
    audit_record(actor=actor, action=AuditEvent.Action.VIEW, target=attachment)
    return storage().open(attachment.stored_name, "rb")
