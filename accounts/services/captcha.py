"""Image captchas (图像验证码): a short code drawn with noise, its answer kept in the cache for 5 minutes, used once."""

import io
import re
import secrets

from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from core.errors import InvalidInput, NotFound

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: nothing a person could read two ways; answers are compared in upper case.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
TTL_SECONDS = 5 * 60
WIDTH, HEIGHT = 150, 50
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
_random = secrets.SystemRandom()


def captcha_cache_key(key: str) -> str:
    return f"captcha:{key}"


def _error(code: str) -> InvalidInput:
    messages = {
        "captcha_invalid": gettext("The image verification code is wrong."),
        "captcha_expired": gettext("The image verification code has expired; load a new one."),
    }
    return InvalidInput(messages[code], code=code, fields={"captcha": [{"code": code, "message": messages[code]}]})


def _colour(low: int, high: int) -> tuple[int, int, int]:
    return (_random.randint(low, high), _random.randint(low, high), _random.randint(low, high))


def _render(code: str) -> bytes:
    """The code in dark, tilted, jittered letters on a light background, crossed by lines and speckled."""
    image = Image.new("RGB", (WIDTH, HEIGHT), _colour(225, 255))
    draw = ImageDraw.Draw(image)
    for _i in range(200):
        xy = (_random.randrange(WIDTH), _random.randrange(HEIGHT))
        draw.point(xy, fill=_colour(120, 220))
    font = ImageFont.load_default(size=34)
    step = (WIDTH - 20) / len(code)
    for index, char in enumerate(code):
        glyph = Image.new("RGBA", (44, 48), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((8, 2), char, font=font, fill=(*_colour(10, 110), 255))
        glyph = glyph.rotate(_random.uniform(-28, 28), resample=Image.Resampling.BICUBIC, expand=False)
        x = int(10 + index * step + _random.uniform(-3, 3))
        y = _random.randint(-2, 6)
        image.paste(glyph, (x, y), glyph)
    for _i in range(5):
        points = [(_random.randrange(WIDTH), _random.randrange(HEIGHT)) for _ in range(2)]
        draw.line(points, fill=_colour(60, 180), width=_random.randint(1, 2))
    for _i in range(2):
        x0, y0 = _random.randint(-40, WIDTH // 2), _random.randint(-20, HEIGHT // 2)
        box = (x0, y0, x0 + _random.randint(60, 140), y0 + _random.randint(30, 70))
        draw.arc(box, _random.randint(0, 180), _random.randint(180, 360), fill=(90, 90, 90), width=1)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def captcha_create() -> tuple[str, bytes]:
    """A new captcha: its key and its PNG image. The answer (4 or 5 characters) lives in the cache for 5 minutes."""
    key = secrets.token_urlsafe(24)
    code = "".join(secrets.choice(ALPHABET) for _ in range(4 + secrets.randbelow(2)))
    cache.set(captcha_cache_key(key), code, TTL_SECONDS)
    return key, _render(code)


def captcha_image(*, key: str) -> bytes:
    """The captcha's image drawn again (new noise, same code) while it is live; NotFound otherwise."""
    code = cache.get(captcha_cache_key(key)) if _KEY.fullmatch(key) else None
    if code is None:
        raise NotFound(_("This captcha has expired."), code="captcha_expired")
    return _render(code)


def captcha_verify(*, key: str, answer: str) -> None:
    """Check a person's answer, ignoring case and surrounding spaces; the captcha is used up either way.

    Raises InvalidInput on the field `captcha`: `captcha_expired` (unknown, expired or already used key) or
    `captcha_invalid` (wrong answer).
    """
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise _error("captcha_expired")
    cache_key = captcha_cache_key(key)
    code = cache.get(cache_key)
    if not cache.delete(cache_key) or code is None:  # only the request that deletes it may use it
        raise _error("captcha_expired")
    if not isinstance(answer, str) or not constant_time_compare(answer.strip().upper(), code):
        raise _error("captcha_invalid")
