"""Admin commands on ``app.cli``: ``flask --app bot kb|users|db|chat …``."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from commands.activities import activities_group
    from commands.chat import chat_command
    from commands.dbcmd import db_group
    from commands.kb import kb_group
    from commands.kpi import kpi_group
    from commands.richmenu import richmenu_group
    from commands.users import users_group
    from commands.work import work_command

    for command in (kb_group, kpi_group, richmenu_group, users_group, db_group, chat_command, work_command):
        app.cli.add_command(command)
    app.cli.add_command(activities_group)
