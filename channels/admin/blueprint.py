"""The back office's Flask blueprint, apart from ``init_app`` so that every page module can import it without
importing the package that imports them."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint

admin = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
                  static_folder="static", static_url_path="/static")
#: How long a signed-in session lasts (the cookie and the server both hold it to this).
SESSION_TTL = timedelta(hours=2)
