"""``flask --app bot richmenu deploy``: the six-area rich menu, through the Messaging API."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from core.config import Settings
from db.models import AuditLog
from db.session import transaction


@click.group("richmenu", cls=AppGroup, help="The LINE rich menu.")
def richmenu_group() -> None:
    pass


@richmenu_group.command("deploy")
@click.option("--keep-old", is_flag=True, help="Do not delete earlier menus of this bot.")
def deploy_command(keep_old: bool) -> None:
    """Create the menu, upload its generated image and set it as the default for everyone."""
    from channels.richmenu import deploy

    settings: Settings = current_app.config["BOT_SETTINGS"]
    if not settings.line_channel_access_token:
        click.echo("ERROR: LINE_CHANNEL_ACCESS_TOKEN is not set", err=True)
        sys.exit(1)
    menu_id = deploy(settings, replace=not keep_old)
    with transaction(current_app.config["BOT_ENGINE"].sessions) as session:
        session.add(AuditLog(actor="cli", action="richmenu.deploy", detail={"rich_menu_id": menu_id}))
    click.echo(f"rich menu {menu_id} is now the default")


@richmenu_group.command("image")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def image_command(path: Path) -> None:
    """Write the generated menu image to PATH (to look at it before deploying)."""
    from channels.richmenu import render_image

    path.write_bytes(render_image())
    click.echo(f"wrote {path}")
