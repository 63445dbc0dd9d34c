"""The repair message: the model's unusable answer goes back with the list of what is wrong."""

from __future__ import annotations

from ..config import Settings
from ..prompts import render_template

REPAIR_TEMPLATE = "repair.j2"


def repair_messages(settings: Settings, base: list[dict[str, str]], previous: str,
                    errors: list[str]) -> list[dict[str, str]]:
    """The original prompt, the previous answer as the assistant's turn, then the errors.

    Only the latest answer is sent back, so a repair costs about one answer more than the
    first call, however many repairs came before it.
    """
    request = render_template(settings, REPAIR_TEMPLATE, errors=errors)
    return [
        *base,
        {"role": "assistant", "content": previous},
        {"role": "user", "content": request},
    ]
