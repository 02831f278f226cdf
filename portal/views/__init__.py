"""Establishment-facing views of the portal, one module per purpose."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def form_error_from_service(form, error: ValidationError) -> None:
    """Tie a service's French ValidationError to the form field it names, else to the whole form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
