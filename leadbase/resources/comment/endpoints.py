"""DELETE /comment/{id}/: Close removes a comment (blanks it) rather than deleting it outright."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.unit import run
from leadbase.db.context import Context
from leadbase.resources.comment.service import CommentService
from leadbase.resources.comment.spec import COMMENT, COMMENT_ENDPOINT

router = APIRouter()


# Registered ahead of the generic DELETE route, which stays in the served description (the
# same path, answer and status code) while this one does the work.
@router.delete("/comment/{id}/", include_in_schema=False, status_code=204)
def remove_comment(request: Request) -> Response:
    object_id = request.path_params["id"]

    def work(ctx: Context) -> None:
        service = CommentService(ctx, COMMENT)
        service.remove_comment(service.get(object_id))

    run(request, work, writes=True)
    return json_response({}, status_code=COMMENT_ENDPOINT.delete_status)
