"""The load: signed, distinct webhook bodies, and wrk sending them (``bench/callback.lua``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.procs import BENCH, ROOT, Processes

QUESTIONS = ROOT.parent / "shared" / "eval" / "questions.jsonl"
SECRET = "bench-channel-secret"
TOKEN = "bench-channel-access-token"
CONNECTIONS = 16
WRK_THREADS = 2
#: Upper bound on the request rate a body file must cover: a thread that runs out wraps around (reported).
MAX_RATE = 2000
#: Distinct senders. The bot allows 30 messages per person per minute; with this many people even the
#: echo's rate stays far below it, so no event is refused by the rate limit.
USERS = 2000

#: Staff questions beyond the shared evaluation set: structured references, keyboard-layout slips, Thai
#: digits, greetings and a few out-of-scope ones, the mix the bot sees in the office.
VARIANTS = [
    "หมวด 3 คืออะไร", "ประเด็น 4.2 ระดับ advance", "ADR คืออะไร", "คลินิกหมวด 2 วันไหน",
    "หมวด 4 เรื่องอะไร", "หมวด 6 คืออะไรคะ", "ประเด็น 1.1 ระดับ basic", "ประเด็น 2.3 คืออะไร",
    "ประเด็น 7.2 ระดับ significance", "คลินิกหมวด 4 ห้องอะไร", "คลินิกหมวด 7 วันไหน", "ตารางคลินิก PMQA",
    "PMQA มีกี่หมวด", "PMQA 4.0 คืออะไร", "Deployment หมายถึงอะไร", "Result คืออะไร",
    "ตัวชี้วัดที่ 2 คืออะไร", "ตัวชี้วัดที่ 7 น้ำหนักเท่าไร", "KPI 12 หน่วยงานรับผิดชอบ", "ตัวชี้วัดที่ 9 ค่าเป้าหมาย",
    "สถานะ KPI", "กิจกรรมส่งเสริมคุณธรรมมีอะไรบ้าง", "No Gift Policy คืออะไร", "ระบบราชการ 4.0 คืออะไร",
    "s,;f 3", "s,;f 2 hkp", "หมวด ๔ คืออะไร", "ประเด็น ๕.๒", "หมวดสาม", "เกณฑ์ PMQA ต่างจาก TQA ยังไง",
    "สวัสดีค่ะ", "เมนู", "ขอบคุณค่ะ", "อยากรู้เรื่องการจัดการความรู้", "ลูกค้าของ สสช. คือใคร",
    "ช่วยสรุปหมวด 1 ให้หน่อย", "วันนี้อากาศเป็นยังไง", "ขอเบอร์โทรฝ่ายบุคคล",
]

#: How people end a message: with these, the same question arrives as several different texts, as it does
#: from real people, so the bot's per-text caches are not hit every time.
ENDINGS = ["", " ครับ", " ค่ะ", " คะ", "?", " หน่อยครับ", " นะคะ 🙏", "  ครับผม"]


def questions() -> list[str]:
    """The shared evaluation questions plus :data:`VARIANTS` (the eval file is optional)."""
    texts: list[str] = []
    if QUESTIONS.exists():
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["q"])
    return texts + VARIANTS


def message_text(texts: list[str], i: int) -> str:
    """The i-th message: every question with every ending before any text repeats."""
    return texts[i % len(texts)] + ENDINGS[(i // len(texts)) % len(ENDINGS)]


def sign(body: bytes, secret: str = SECRET) -> str:
    """``X-Line-Signature``: base64 of the HMAC-SHA256 of the raw body with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def user_id(i: int) -> str:
    return "U" + hashlib.md5(f"staff-{i % USERS}".encode()).hexdigest()  # noqa: S324 (an id, not security)


def signed_body(phase: str, i: int, texts: list[str], base_ms: int) -> tuple[bytes, str]:
    """The i-th webhook of a phase: one text event with its own ``webhookEventId`` (26 characters, like LINE's
    ULIDs) and ``replyToken`` (``<phase>-<n>``: the fake LINE API tells the phases apart by it), and its
    ``X-Line-Signature``."""
    event = {
        "type": "message", "mode": "active", "timestamp": base_ms + i,
        "webhookEventId": f"01{phase.upper()}{i:0{24 - len(phase)}d}",
        "deliveryContext": {"isRedelivery": False}, "replyToken": f"{phase}-{i:08d}",
        "source": {"type": "user", "userId": user_id(i)},
        "message": {"type": "text", "id": f"{i + 1:018d}", "quoteToken": f"qt-{phase}-{i}",
                    "text": message_text(texts, i)},
    }
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False,
                      separators=(",", ":")).encode()
    return body, sign(body)


def write_bodies(path: Path, phase: str, seconds: float, texts: list[str]) -> None:
    """Enough signed webhooks for ``seconds`` at :data:`MAX_RATE`, one per line (``signature<TAB>body``)."""
    base_ms = int(time.time() * 1000)
    with path.open("w", encoding="utf-8") as out:
        for i in range(int(MAX_RATE * seconds) + 100):
            body, signature = signed_body(phase, i, texts, base_ms)
            out.write(f"{signature}\t{body.decode()}\n")


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk; `make bench` installs it as root)")


def run_wrk(procs: Processes, url: str, bodies: Path, seconds: float, out: Path) -> tuple[dict[str, Any], float]:
    """One load run; returns wrk's JSON summary (``callback.lua``) and the monotonic time wrk exited."""
    cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--timeout", "10s",
           "-s", str(BENCH / "callback.lua"), f"{url}/callback", "--", str(bodies), str(WRK_THREADS), str(out)]
    proc = procs.start(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        output, _ = proc.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        procs.stop(proc)
        raise RuntimeError("wrk did not finish in time") from None
    ended = time.monotonic()
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{output.decode(errors='replace')}")
    return json.loads(out.read_text()), ended
