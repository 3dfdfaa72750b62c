"""The one error hierarchy. The API layer renders these into Close's bodies."""

from __future__ import annotations

from typing import Any


class LeadbaseError(Exception):
    """Base class of every error a client can cause."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(LeadbaseError):
    status_code = 401

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "The server could not verify that you are authorized to access the URL requested. "
            "Send your API key as the user name of HTTP Basic authentication, with an empty password."
        )


class Forbidden(LeadbaseError):
    status_code = 403


class NotFound(LeadbaseError):
    """An object that does not exist, or belongs to another organization (same answer)."""

    status_code = 404

    @classmethod
    def for_model(cls, model_name: str) -> NotFound:
        return cls(f"Empty query: {model_name} matching query does not exist.")


class MethodNotAllowed(LeadbaseError):
    status_code = 405


class RequestTimeout(LeadbaseError):
    """The client stopped sending its request; the connection is closed after the answer."""

    status_code = 408


class PayloadTooLarge(LeadbaseError):
    status_code = 413


class UnsupportedMediaType(LeadbaseError):
    status_code = 415


class ClientGone(LeadbaseError):
    """The client disconnected before its request ran; nobody reads this answer."""

    status_code = 499

    def __init__(self) -> None:
        super().__init__("The client closed the connection before the request ran.")


class Conflict(LeadbaseError):
    status_code = 409


class BadRequest(LeadbaseError):
    """A request-level problem that is not about one field (rendered as {"error": ...})."""

    status_code = 400


class Invalid(LeadbaseError):
    """Validation failure, rendered as {"errors": [...], "field-errors": {...}}.

    Nested objects (contacts inside a lead) nest the same structure under their field name.
    """

    status_code = 400

    def __init__(
        self,
        field_errors: dict[str, Any] | None = None,
        errors: list[str] | None = None,
    ) -> None:
        self.field_errors: dict[str, Any] = dict(field_errors or {})
        self.errors: list[str] = list(errors or [])
        first = next(iter(self.field_errors.items()), None)
        summary = self.errors[0] if self.errors else (f"{first[0]}: {first[1]}" if first else "Invalid")
        super().__init__(summary)

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        return cls({name: message})

    def body(self) -> dict[str, Any]:
        return {"errors": self.errors, "field-errors": self.field_errors}


class FieldErrors:
    """Collects field errors while validating a whole body, then raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def add(self, name: str, message: Any) -> None:
        self.errors.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


class RateLimited(LeadbaseError):
    status_code = 429

    def __init__(self, limit: int, reset: int, window: int, limit_type: str) -> None:
        super().__init__(f"API call count exceeded for this {window} second window")
        self.limit = limit
        self.reset = reset
        self.window = window
        self.limit_type = limit_type
