from leadbase.api.endpoint import expose
from leadbase.db.fields import DATETIME, INT, TEXT, Field, Fields, audit, shown
from leadbase.db.models import file_upload
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.files.service import FileService

# Not a Close resource of its own: POST /files/upload/ and the upload target and download URL
# (endpoints.py) are its only ways in, and an upload is not an event (object_type None).
FILE_UPLOAD = register(
    ResourceSpec(
        path="files/upload",
        table=file_upload,
        id_prefix="file",
        model_name="File",
        service=FileService,
        fields=Fields(
            (
                shown("id"),
                Field("filename", TEXT, required=True, nullable=False, blank=False, max_length=255),
                Field("content_type", TEXT, required=True, nullable=False, blank=False, max_length=255),
                shown("token", TEXT),
                shown("upload_expires", DATETIME),
                shown("download_expires", DATETIME),
                shown("date_uploaded", DATETIME, nullable=True),
                shown("size", INT, nullable=True),
                *audit(),
            )
        ),
    )
)
# No standard verbs: the routes are the hand-written ones of endpoints.py.
FILE_UPLOAD_ENDPOINT = expose(FILE_UPLOAD, verbs=frozenset(), tag="files")
