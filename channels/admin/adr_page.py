"""The ADR draft checker as a back-office page: paste a draft, pick the ประเด็น, read the same report as in LINE.

The draft is not stored (the audit log keeps only who checked which ประเด็น and how long the draft was)."""

from __future__ import annotations

from flask import render_template, request

from adr import check_draft
from adr.render import level_note, report_lines, suggestion_lines
from channels.admin.auth import allow, audit, db, engine
from channels.admin.blueprint import admin

#: A draft pasted on the page, at most: well over the 3,000-character limit, so that "too long" can be told.
MAX_DRAFT_CHARS = 20_000
PRADEN_CODES = [f"{h}.{n}" for h in range(1, 8) for n in range(1, 7 if h == 7 else 5)]


@admin.route("/adr", methods=["GET", "POST"])
@allow("admin", "editor", "manager")
def adr():  # type: ignore[no-untyped-def]
    code = (request.form.get("praden") or request.args.get("praden") or "").strip()
    draft = (request.form.get("draft") or "")[:MAX_DRAFT_CHARS]
    report = problem = None
    if request.method == "POST":
        if not draft.strip():
            problem = "กรุณาวางร่างคำตอบก่อนค่ะ"
        else:
            report = check_draft(engine().services.kb, code, draft)
            if report is None:
                problem = f"ไม่พบประเด็น {code} ค่ะ กรุณาเลือกประเด็นจากรายการ"
            else:
                with db() as s:
                    audit(s, "adr.check", praden=code, chars=report.chars)
    return render_template("admin/adr.html", codes=PRADEN_CODES, code=code, draft=draft, report=report,
                           problem=problem, lines=report_lines(report) if report else [],
                           suggestions=suggestion_lines(report) if report else [],
                           level=level_note(report) if report else "")
