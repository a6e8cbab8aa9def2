"""Reading a contract's PDF as a person would: its text (poppler's pdftotext) and the QR codes of its images (poppler's
pdfimages, then zbarimg from zbar-tools; both installed by scripts/setup). For the PDF, page and browser tests."""

import shutil
import subprocess
import tempfile
from pathlib import Path


def _tool(name: str) -> str:
    return shutil.which(name) or f"/usr/bin/{name}"


def pdf_text(content: bytes) -> str:
    """The PDF's text as pdftotext extracts it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contract.pdf"
        path.write_bytes(content)
        extracted = subprocess.run(  # noqa: S603 - fixed tool, our own file
            [_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        )
        return extracted.stdout.decode()


def pdf_qr_codes(content: bytes) -> list[str]:
    """The texts of every QR code among the PDF's embedded images, in page order."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contract.pdf"
        path.write_bytes(content)
        subprocess.run([_tool("pdfimages"), "-png", str(path), f"{folder}/image"], check=True)  # noqa: S603
        texts: list[str] = []
        for image in sorted(Path(folder).glob("image-*.png")):
            decoded = subprocess.run(  # noqa: S603 - exit 4 means no code in this image
                [_tool("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                capture_output=True,
            )
            texts += [line for line in decoded.stdout.decode().splitlines() if line]
        return texts
