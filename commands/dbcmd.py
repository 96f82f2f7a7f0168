from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from core.config import Settings
from db.migrate import upgrade


@click.group("db", help="Database migrations.", cls=AppGroup)
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Apply every migration (the app also does this at start).")
@with_appcontext
def upgrade_command() -> None:
    upgrade(Settings.from_env().database_url)
    click.echo("database is up to date")
