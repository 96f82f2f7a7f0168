"""Back-office pages for the content and the people: unanswered questions, kept answers, people, the chat."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask import current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.admin.auth import acting_user, allow, audit, db, engine
from channels.admin.blueprint import admin
from core.messages import Reply, reply_to_dict
from db import handoff_store, kept_store
from db.backoffice import KeptAnswer
from db.models import Outbox, Unanswered, User
from knowledge.grouping import group
from knowledge.kept import thai_when
from knowledge.search import query_tokens

ROLES = ("staff", "editor", "manager", "admin")
OPEN = ("new", "forwarded")
MAX_LISTED = 500


@dataclass
class QuestionGroup:
    questions: list[Unanswered]
    candidates: list[dict] = field(default_factory=list)

    @property
    def head(self) -> Unanswered:
        return self.questions[0]

    @property
    def forwarded(self) -> int:
        return sum(1 for q in self.questions if q.review_status == "forwarded")

    @property
    def ids(self) -> str:
        return ",".join(str(q.id) for q in self.questions)


def _groups(s: Session) -> list[QuestionGroup]:
    rows = list(s.scalars(select(Unanswered).where(Unanswered.review_status.in_(OPEN), Unanswered.text != "")
                          .order_by(Unanswered.id.desc()).limit(MAX_LISTED)))
    by_id = {r.id: r for r in rows}
    words = [(r.id, frozenset(query_tokens(r.normalized or r.text))) for r in rows]
    result = []
    for ids in group(words):
        members = [by_id[i] for i in ids]
        seen: dict[str, dict] = {}
        for q in members:
            for c in q.candidates or []:
                if c.get("id") not in seen or c.get("confidence", 0) > seen[c["id"]].get("confidence", 0):
                    seen[c["id"]] = c
        candidates = sorted(seen.values(), key=lambda c: -c.get("confidence", 0))[:5]
        result.append(QuestionGroup(members, candidates))
    result.sort(key=lambda grp: (-grp.forwarded, -len(grp.questions), -grp.head.id))
    return result


@admin.get("/unanswered")
@allow("admin", "editor")
def unanswered():  # type: ignore[no-untyped-def]
    with db() as s:
        groups = _groups(s)
        return render_template("admin/unanswered.html", groups=groups, when=thai_when)


def _ids(raw: str) -> list[int]:
    return [int(part) for part in raw.split(",") if part.strip().isdigit()][:MAX_LISTED]


def queue_push(s: Session, to: str, reply: Reply, key: str) -> None:
    """A push sent by the answering worker like any other (a retry key, so a retry is never doubled)."""
    s.add(Outbox(kind="push", to=to, payload=reply_to_dict(reply),
                 retry_key=str(uuid.uuid5(uuid.NAMESPACE_URL, f"web/{key}/{to}"))))


@admin.post("/unanswered/answer")
@allow("admin", "editor")
def answer():  # type: ignore[no-untyped-def]
    ids = _ids(request.form.get("ids", ""))
    text = request.form.get("answer", "").strip()
    keep = request.form.get("how") == "keep"
    if not ids or not text:
        flash("กรุณาพิมพ์คำตอบก่อนส่งค่ะ", "error")
        return redirect(url_for("admin.unanswered"))
    now = engine().clock()
    sent = already = 0
    with db() as s:
        author = acting_user(s)
        rows = [r for r in (s.get(Unanswered, i) for i in ids) if r is not None]
        wordings = tuple(r.text for r in rows[1:] if r.text)
        reached: set[str] = set()
        kept_id = None
        for i, row in enumerate(rows):
            done = handoff_store.answer(s, row.id, by=author, text=text, keep=keep and kept_id is None, now=now,
                                        wordings=wordings if i == 0 else ())
            if done.outcome != "answered":
                already += done.outcome == "already"
                continue
            kept_id = kept_id or done.kept_id
            if kept_id and not done.kept_id:
                row.kept_answer_id = kept_id
            if done.push is not None and row.line_user_id not in reached:
                reached.add(row.line_user_id)
                queue_push(s, row.line_user_id, done.push, f"answer/{row.id}")
                sent += 1
        audit(s, "answer", questions=ids, kept=kept_id, pushed=sent)
    engine().wake()
    note = f"ส่งคำตอบถึงผู้ถาม {sent} คนแล้วค่ะ" + (" และบันทึกเป็นคำตอบในฐานความรู้" if kept_id else "")
    if already:
        note += f" ({already} คำถามมีผู้ตอบไปก่อนแล้ว)"
    flash(note, "ok")
    return redirect(url_for("admin.unanswered"))


@admin.post("/unanswered/dismiss")
@allow("admin", "editor")
def dismiss():  # type: ignore[no-untyped-def]
    ids = _ids(request.form.get("ids", ""))
    with db() as s:
        for row in (s.get(Unanswered, i) for i in ids):
            if row is not None and row.review_status in OPEN:
                row.review_status = "dismissed"
        audit(s, "dismiss", questions=ids)
    flash(f"ปิดคำถาม {len(ids)} ข้อแล้วค่ะ (ไม่ตอบ)", "ok")
    return redirect(url_for("admin.unanswered"))


# ----- kept answers ----------------------------------------------------------------------------------
@admin.get("/kept")
@allow("admin", "editor")
def kept():  # type: ignore[no-untyped-def]
    with db() as s:
        rows = list(s.scalars(select(KeptAnswer).order_by(KeptAnswer.status, KeptAnswer.id.desc())))
        return render_template("admin/kept.html", rows=rows, when=thai_when)


@admin.post("/kept/<int:kept_id>")
@allow("admin", "editor")
def kept_change(kept_id: int):  # type: ignore[no-untyped-def]
    now = engine().clock()
    with db() as s:
        me = acting_user(s)
        name = handoff_store.author_name(me)
        if request.form.get("action") == "withdraw":
            row = kept_store.withdraw(s, kept_id, by=me.line_user_id, by_name=name, now=now)
            message = "ถอนคำตอบนี้แล้วค่ะ บอทจะไม่ใช้ตอบอีก"
        else:
            text = request.form.get("answer", "").strip()
            if not text:
                flash("คำตอบว่างไม่ได้ค่ะ", "error")
                return redirect(url_for("admin.kept"))
            row = kept_store.edit(s, kept_id, answer=text, by=me.line_user_id, by_name=name, now=now)
            message = "แก้ไขคำตอบแล้วค่ะ"
        if row is None:
            flash("ไม่พบคำตอบนี้แล้วค่ะ", "error")
            return redirect(url_for("admin.kept"))
        audit(s, "kept." + (request.form.get("action") or "edit"), kept=kept_id)
    flash(message, "ok")
    return redirect(url_for("admin.kept"))


# ----- people ----------------------------------------------------------------------------------------
@admin.get("/people")
@allow("admin")
def people():  # type: ignore[no-untyped-def]
    with db() as s:
        rows = list(s.scalars(select(User).order_by(User.status.desc(), User.role, User.full_name, User.id)))
        configured = current_app.config["BOT_SETTINGS"].admin_ids
        return render_template("admin/people.html", rows=rows, roles=ROLES, configured=configured)


@admin.post("/people/<int:user_id>")
@allow("admin")
def person_change(user_id: int):  # type: ignore[no-untyped-def]
    action = request.form.get("action", "")
    with db() as s:
        user = s.get(User, user_id)
        if user is None:
            flash("ไม่พบผู้ใช้นี้แล้วค่ะ", "error")
            return redirect(url_for("admin.people"))
        who = user.full_name or user.display_name or user.line_user_id
        if action == "approve" and user.status == "pending":
            user.status = "active"
            queue_push(s, user.line_user_id, Reply.text(
                "ผู้ดูแลระบบอนุมัติการลงทะเบียนของคุณแล้วค่ะ 🎉 ตอนนี้บันทึกการเข้าร่วมกิจกรรมได้เลย "
                "พิมพ์ “บันทึกกิจกรรม”"), f"approve/{user.id}/{uuid.uuid4().hex}")
            message = f"อนุมัติ {who} แล้วค่ะ แจ้งผู้ขอทาง LINE แล้ว"
        elif action == "reject" and user.status == "pending":
            user.status = "guest"
            message = f"ไม่อนุมัติคำขอของ {who} แล้วค่ะ"
        elif action == "role" and request.form.get("role") in ROLES:
            if user.line_user_id == g.user_id and request.form["role"] != "admin":
                flash("เปลี่ยนบทบาทของตัวเองไม่ได้ค่ะ (ให้ผู้ดูแลระบบอีกคนเปลี่ยนให้)", "error")
                return redirect(url_for("admin.people"))
            user.role = request.form["role"]
            message = f"ตั้งบทบาทของ {who} เป็น {user.role} แล้วค่ะ"
        elif action == "remove":
            if user.line_user_id == g.user_id:
                flash("ลบบัญชีของตัวเองไม่ได้ค่ะ", "error")
                return redirect(url_for("admin.people"))
            s.delete(user)
            message = f"ลบ {who} ออกจากรายชื่อแล้วค่ะ"
        else:
            flash("ทำรายการนี้ไม่ได้ค่ะ (สถานะอาจเปลี่ยนไปแล้ว)", "error")
            return redirect(url_for("admin.people"))
        audit(s, f"users.{action}", user=user.line_user_id, role=request.form.get("role", ""))
    engine().wake()
    flash(message, "ok")
    return redirect(url_for("admin.people"))


# ----- the chat page, as the signed-in person -----------------------------------------------------------
@admin.get("/chat")
@allow("admin", "editor", "manager")
def chat():  # type: ignore[no-untyped-def]
    from channels.admin.auth import csrf_token
    from channels.web import page_html

    return page_html(api=url_for("admin.chat_message"), csrf=csrf_token())


@admin.post("/chat/api/message")
@allow("admin", "editor", "manager")
def chat_message():  # type: ignore[no-untyped-def]
    from channels.web import answer_as

    return answer_as(g.user_id)


