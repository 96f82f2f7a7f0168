"""The LINE rich menu: six areas (PMQA, KPI, บันทึกกิจกรรม, กิจกรรมของฉัน, ตารางคลินิก, ช่วยเหลือ), declared by
their handlers, its image drawn in code, created and set as the default through the Messaging API.

The image's labels are drawn with a Thai font: ``RICHMENU_FONT`` if it names one, else Debian's fonts-thai-tlwg
(``make richmenu`` and ``.ci/run`` install it). Without any Thai font, English labels with Pillow's built-in font,
so a deploy never fails for want of a font.
"""

from __future__ import annotations

import io
import os

from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessageAction,
    MessagingApi,
    MessagingApiBlob,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
)
from PIL import Image, ImageDraw, ImageFont

from core.config import Settings
from core.features import MenuArea
from handlers import features

WIDTH, HEIGHT = 2500, 1686
COLUMNS, ROWS = 3, 2
MENU_NAME = "nso-pmqa-bot-main"


#: The areas the handlers declare (``rich_menu`` on each: ``core.features``), in their places.
AREAS: tuple[MenuArea, ...] = features().rich_menu


def _cell(index: int) -> tuple[int, int, int, int]:
    w, h = WIDTH // COLUMNS, HEIGHT // ROWS
    col, row = index % COLUMNS, index // COLUMNS
    return col * w, row * h, w if col < COLUMNS - 1 else WIDTH - col * w, h if row < ROWS - 1 else HEIGHT - row * h


#: Thai fonts looked for when ``RICHMENU_FONT`` is not set (Debian's fonts-thai-tlwg; Bold reads best on colour).
THAI_FONTS = ("/usr/share/fonts/truetype/tlwg/Garuda-Bold.ttf", "/usr/share/fonts/truetype/tlwg/Loma-Bold.ttf",
              "/usr/share/fonts/truetype/tlwg/Garuda.ttf", "/usr/share/fonts/truetype/tlwg/Loma.ttf")


def thai_font() -> str | None:
    """The font the labels are drawn with: ``RICHMENU_FONT``, else the first installed of ``THAI_FONTS``."""
    configured = os.environ.get("RICHMENU_FONT")
    if configured:
        return configured
    return next((path for path in THAI_FONTS if os.path.exists(path)), None)


def render_image(font_path: str | None = None) -> bytes:
    """A 2500×1686 PNG (LINE's large rich menu size), under LINE's 1 MB limit."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font_path = font_path or thai_font()
    thai = bool(font_path and os.path.exists(font_path))
    font = ImageFont.truetype(font_path, 120) if thai else ImageFont.load_default(size=110)
    for i, area in enumerate(AREAS):
        x, y, w, h = _cell(i)
        draw.rectangle((x + 8, y + 8, x + w - 8, y + h - 8), fill=area.colour)
        label = area.thai if thai else area.english
        box = draw.textbbox((0, 0), label, font=font)
        size = 120
        while thai and box[2] - box[0] > w - 100 and size > 60:  # a long Thai label: smaller, within its cell
            size -= 8
            box = draw.textbbox((0, 0), label, font=(fitted := ImageFont.truetype(font_path, size)))
        label_font = fitted if thai and size < 120 else font
        draw.text((x + (w - (box[2] - box[0])) // 2, y + (h - (box[3] - box[1])) // 2), label, fill="white",
                  font=label_font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def menu_request() -> RichMenuRequest:
    areas = [
        RichMenuArea(bounds=RichMenuBounds(x=x, y=y, width=w, height=h),
                     action=MessageAction(label=a.thai[:20], text=a.text))
        for a, (x, y, w, h) in ((a, _cell(i)) for i, a in enumerate(AREAS))
    ]
    return RichMenuRequest(size=RichMenuSize(width=WIDTH, height=HEIGHT), selected=True, name=MENU_NAME,
                           chatBarText="เมนู", areas=areas)


def deploy(settings: Settings, data_base_url: str | None = None, replace: bool = True) -> str:
    """Create the menu, upload its image, make it the default; remove older menus of ours."""
    timeout = settings.line_api_timeout
    api_config = Configuration(host=settings.line_api_base_url, access_token=settings.line_channel_access_token)
    data_host = data_base_url or os.environ.get("LINE_API_DATA_URL") or (
        "https://api-data.line.me" if settings.line_api_base_url == "https://api.line.me"
        else settings.line_api_base_url)
    data_config = Configuration(host=data_host, access_token=settings.line_channel_access_token)
    with ApiClient(api_config) as client, ApiClient(data_config) as data_client:
        api = MessagingApi(client)
        old = [m.rich_menu_id for m in api.get_rich_menu_list(_request_timeout=timeout).richmenus
               if m.name == MENU_NAME] if replace else []
        menu_id = api.create_rich_menu(menu_request(), _request_timeout=timeout).rich_menu_id
        MessagingApiBlob(data_client).set_rich_menu_image(
            menu_id, body=bytearray(render_image()), _headers={"Content-Type": "image/png"}, _request_timeout=timeout)
        api.set_default_rich_menu(menu_id, _request_timeout=timeout)
        for old_id in old:
            api.delete_rich_menu(old_id, _request_timeout=timeout)
    return menu_id
