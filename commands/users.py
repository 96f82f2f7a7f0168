"""``flask --app bot users …``: register people and set roles without the chat."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from db.models import AuditLog, User
from db.session import transaction

ROLES = ("staff", "editor", "manager", "admin")


def _engine():  # type: ignore[no-untyped-def]
    return current_app.config["BOT_ENGINE"]


def _audit(session, action: str, **detail: str) -> None:  # type: ignore[no-untyped-def]
    session.add(AuditLog(actor="cli", action=action, detail=detail))


@click.group("users", help="Registered staff, managers and admins.", cls=AppGroup)
def users_group() -> None:
    pass


@users_group.command("add")
@click.argument("line_user_id")
@click.option("--name", "full_name", required=True, help="ชื่อ สกุล")
@click.option("--unit", required=True, help="หน่วยงาน")
@click.option("--role", type=click.Choice(ROLES), default="staff", show_default=True,
              help="editor: owns the content (answers forwarded questions, keeps answers)")
def add_user(line_user_id: str, full_name: str, unit: str, role: str) -> None:
    """Register LINE_USER_ID (or update them if already known)."""
    with transaction(_engine().sessions) as session:
        user = session.scalar(select(User).where(User.line_user_id == line_user_id))
        if user is None:
            user = User(line_user_id=line_user_id)
            session.add(user)
        user.full_name, user.unit, user.role, user.status = full_name, unit, role, "active"
        _audit(session, "users.add", user=line_user_id, role=role, unit=unit)
    click.echo(f"registered {line_user_id}: {full_name} ({unit}) as {role}")


@users_group.command("list")
@click.option("--status", default=None, help="active, pending or guest")
def list_users(status: str | None) -> None:
    with transaction(_engine().sessions) as session:
        query = select(User).order_by(User.id)
        if status:
            query = query.where(User.status == status)
        rows = session.scalars(query).all()
        for u in rows:
            click.echo(f"{u.line_user_id}\t{u.status}\t{u.role}\t{u.full_name or '-'}\t{u.unit or '-'}\t"
                       f"{u.display_name or '-'}")
        click.echo(f"{len(rows)} user(s)")


def _existing(session, line_user_id: str) -> User:  # type: ignore[no-untyped-def]
    user = session.scalar(select(User).where(User.line_user_id == line_user_id))
    if user is None:
        raise click.ClickException(f"no user {line_user_id}")
    return user


@users_group.command("set-role")
@click.argument("line_user_id")
@click.argument("role", type=click.Choice(ROLES))
def set_role(line_user_id: str, role: str) -> None:
    with transaction(_engine().sessions) as session:
        user = _existing(session, line_user_id)
        user.role = role
        _audit(session, "users.set-role", user=line_user_id, role=role)
    click.echo(f"{line_user_id} is now {role}")


@users_group.command("approve")
@click.argument("line_user_id")
def approve(line_user_id: str) -> None:
    """Approve a pending registration request."""
    with transaction(_engine().sessions) as session:
        user = _existing(session, line_user_id)
        user.status = "active"
        _audit(session, "users.approve", user=line_user_id)
    click.echo(f"{line_user_id} approved")


@users_group.command("remove")
@click.argument("line_user_id")
def remove(line_user_id: str) -> None:
    with transaction(_engine().sessions) as session:
        session.delete(_existing(session, line_user_id))
        _audit(session, "users.remove", user=line_user_id)
    click.echo(f"{line_user_id} removed")
