"""``flask --app bot chat``: talk to the bot in a terminal, through the same handlers as LINE."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.messages import Card, Reply, Request, Text


def reply_as_text(reply: Reply) -> str:
    lines: list[str] = []
    for m in reply.messages:
        if isinstance(m, Text):
            lines.append(m.text)
        elif isinstance(m, Card):
            lines.append(f"┌ {m.title}" + (f" — {m.subtitle}" if m.subtitle else ""))
            for s in m.sections:
                if s.title:
                    lines.append(f"│ {s.title}")
                if s.body:
                    lines.append(f"│   {s.body}")
                for r in s.rows:
                    bar = f" [{'█' * int((r.bar or 0) // 10):<10}]" if r.bar is not None else ""
                    lines.append(f"│   {r.label}: {r.value}{bar}")
            if m.footer:
                lines.append(f"│ {m.footer}")
            lines.append("└")
    if reply.choices:
        lines.append("ตัวเลือก: " + " | ".join(f"[{i}] {c.label}" for i, c in enumerate(reply.choices, 1)))
    return "\n".join(lines)


@click.command("chat", help="Chat with the bot in the terminal (type a number to tap a quick reply).")
@with_appcontext
@click.option("--user", default="Uterminal", show_default=True, help="LINE user id to chat as.")
def chat_command(user: str) -> None:
    engine = current_app.config["BOT_ENGINE"]
    click.echo("พิมพ์ข้อความแล้วกด Enter (ออก: Ctrl-D หรือ /quit)")
    choices = ()
    while True:
        try:
            line = input("คุณ> ").strip()
        except EOFError:
            break
        if line in {"/quit", "/exit"}:
            break
        if not line:
            continue
        req = Request(user_id=user, kind="text", text=line)
        if line.isdigit() and choices and 1 <= int(line) <= len(choices):
            c = choices[int(line) - 1]
            req = (Request(user_id=user, kind="postback", data=c.data, text=c.text) if c.action != "message"
                   else Request(user_id=user, kind="text", text=c.text))
        reply = engine.answer(req)
        choices = reply.choices
        click.echo("บอท> " + reply_as_text(reply) + "\n")
