"""Values every template can use."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app
from wtforms import SelectChoice

from .body_map import VIEWS


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return "not set"
    return value.strftime("%d %b %Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return "not yet"
    return value.strftime("%d %b %Y %H:%M UTC")


def init_app(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(lambda value: SelectChoice(value, value), "as_choice")
    app.jinja_env.globals["body_views"] = VIEWS

    @app.context_processor
    def clinic_settings():
        config = current_app.config
        return {
            "clinic_name": config["CLINIC_NAME"],
            "crisis_line": config["CRISIS_LINE"],
            "emergency_number": config["EMERGENCY_NUMBER"],
            "clinic_phone": config["CLINIC_PHONE"],
        }
